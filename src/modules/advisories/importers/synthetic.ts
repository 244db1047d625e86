// Synthetic NVD CVE API 2.0 items with realistic shapes (2–3 CVSS versions, CWEs, 1–6 CPE matches
// with version ranges over a few thousand vendors/products, 2–8 references), for tests and for
// measuring the import (perf.ts). Deterministic: item i is always the same.
const VECTORS31 = ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H'];
const VECTORS40 = ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 'CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 'CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N'];
const VECTORS2 = ['AV:N/AC:L/Au:N/C:P/I:P/A:P', 'AV:N/AC:M/Au:N/C:N/I:P/A:N', 'AV:L/AC:L/Au:N/C:C/I:C/A:C'];
const CWES = ['CWE-79', 'CWE-89', 'CWE-787', 'CWE-20', 'CWE-125', 'CWE-78', 'CWE-416', 'CWE-22', 'CWE-352', 'CWE-434', 'NVD-CWE-noinfo', 'NVD-CWE-Other'];
const TAGS = [['Vendor Advisory'], ['Patch'], ['Third Party Advisory'], ['Exploit', 'Third Party Advisory'], ['Mitigation'], []];
const WORDS = ['buffer overflow', 'cross-site scripting', 'SQL injection', 'path traversal', 'use after free', 'improper authentication', 'denial of service', 'information disclosure'];

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number) { return () => { seed |= 0; seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }; }

export function syntheticNvdItem(i: number, opts: { year?: number; lastModified?: string } = {}) {
  const r = rng(i + 1);
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  const year = opts.year ?? 2000 + (i % 25);
  const id = `CVE-${year}-${String(10000 + i).padStart(5, '0')}`;
  const vendor = `vendor${Math.floor(r() * 3000)}`; const product = `product${Math.floor(r() * 8)}`;
  const word = pick(WORDS);
  const metrics: Record<string, unknown> = { cvssMetricV31: [{ source: 'nvd@nist.gov', type: 'Primary', cvssData: { version: '3.1', vectorString: pick(VECTORS31) } }] };
  if (r() < 0.3) metrics.cvssMetricV40 = [{ source: 'cna@example.org', type: 'Secondary', cvssData: { version: '4.0', vectorString: pick(VECTORS40) } }];
  if (r() < 0.5) metrics.cvssMetricV2 = [{ source: 'nvd@nist.gov', type: 'Primary', cvssData: { version: '2.0', vectorString: pick(VECTORS2) } }];
  const matches = Array.from({ length: 1 + Math.floor(r() * 6) }, (_, k) => {
    const major = 1 + k;
    return r() < 0.5
      ? { vulnerable: true, criteria: `cpe:2.3:a:${vendor}:${product}:*:*:*:*:*:*:*:*`, versionStartIncluding: `${major}.0.0`, versionEndExcluding: `${major}.${Math.floor(r() * 9)}.${Math.floor(r() * 20)}` }
      : { vulnerable: true, criteria: `cpe:2.3:a:${vendor}:${product}:${major}.${k}.${Math.floor(r() * 10)}:*:*:*:*:*:*:*` };
  });
  const refs = Array.from({ length: 2 + Math.floor(r() * 7) }, (_, k) => ({ url: `https://${vendor}.example.com/security/${id}/${k}`, source: 'nvd@nist.gov', tags: pick(TAGS) }));
  const published = new Date(Date.UTC(year, Math.floor(r() * 12), 1 + Math.floor(r() * 28), Math.floor(r() * 24))).toISOString().replace('Z', '');
  return {
    cve: {
      id, sourceIdentifier: 'cve@mitre.org', published, lastModified: opts.lastModified ?? '2025-01-15T10:00:00.000', vulnStatus: 'Analyzed',
      descriptions: [{ lang: 'en', value: `A ${word} vulnerability in ${vendor} ${product} before ${matches.length}.0 allows remote attackers to do things via crafted input (${id}). Further detail about the affected component and the conditions of exploitation follow in this sentence.` }],
      metrics,
      weaknesses: [{ source: 'nvd@nist.gov', type: 'Primary', description: [{ lang: 'en', value: pick(CWES) }] }],
      configurations: [{ nodes: [{ operator: 'OR', negate: false, cpeMatch: matches }] }],
      references: refs,
    },
  };
}

export function* syntheticNvdItems(n: number, start = 0, opts: { lastModified?: string } = {}) {
  for (let i = start; i < start + n; i++) yield syntheticNvdItem(i, opts);
}
