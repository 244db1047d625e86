// Credentials shared by every module's demo accounts, so that one password and one authenticator
// entry open the whole demo platform. Only ever used by `npm start --demo` and tests.
export const DEMO_PASSWORD = 'mamori-demo-2026';
/** Base32 TOTP secret shared by all demo staff accounts (enter it in any authenticator app). */
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** A small seeded PRNG (mulberry32): demo histories must be the same on every machine and run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded random choices for demo histories (deterministic for a given seed). */
export class DemoRandom {
  constructor(readonly rng: () => number) {}
  int(lo: number, hi: number): number { return lo + Math.floor(this.rng() * (hi - lo + 1)); }
  chance(p: number): boolean { return this.rng() < p; }
  pick<T>(list: readonly T[]): T { return list[Math.floor(this.rng() * list.length)]; }
  weighted<T>(list: ReadonlyArray<readonly [T, number]>): T {
    const total = list.reduce((a, [, w]) => a + w, 0);
    let r = this.rng() * total;
    for (const [v, w] of list) { r -= w; if (r < 0) return v; }
    return list[list.length - 1][0];
  }
  /** One to `max` distinct weighted choices. */
  several<T>(list: ReadonlyArray<readonly [T, number]>, max: number): T[] {
    const n = this.int(1, max);
    const out: T[] = [];
    for (let i = 0; i < n * 3 && out.length < n; i++) { const v = this.weighted(list); if (!out.includes(v)) out.push(v); }
    return out;
  }
  /** Exactly k of n indices, chosen uniformly. */
  subset(n: number, k: number): Set<number> {
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) { const j = i + Math.floor(this.rng() * (n - i)); [idx[i], idx[j]] = [idx[j], idx[i]]; }
    return new Set(idx.slice(0, k));
  }
  shuffle<T>(list: T[]): T[] {
    for (let i = list.length - 1; i > 0; i--) { const j = Math.floor(this.rng() * (i + 1)); [list[i], list[j]] = [list[j], list[i]]; }
    return list;
  }
}
