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
