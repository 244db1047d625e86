// CISA Known Exploited Vulnerabilities catalogue: one entry of `vulnerabilities`
// (known_exploited_vulnerabilities.json: cveID, vendorProject, product, vulnerabilityName, dateAdded…).
import { CVE_RE, RecordError, isoDay, obj, optStr, reqStr, type MappedRecord } from '../common.js';

export function mapKev(raw: unknown, path: string): MappedRecord {
  const o = obj(raw, path);
  const cve = reqStr(o, 'cveID', path);
  if (!CVE_RE.test(cve)) throw new RecordError(`${path}/cveID`, `not a CVE ID: ${cve}`);
  const dateAdded = isoDay(reqStr(o, 'dateAdded', path), `${path}/dateAdded`);
  const cwes = Array.isArray(o.cwes) ? o.cwes.filter((c): c is string => typeof c === 'string') : [];
  const notes = optStr(o.notes) ?? '';
  const refs = [...notes.matchAll(/https?:\/\/[^\s;]+/g)].map((m) => ({ url: m[0], type: 'advisory' }));
  return {
    source: 'kev', cve, jvndbId: null, version: dateAdded, kevAdded: dateAdded, note: `CISA KEV ${dateAdded}`,
    input: {
      title: { en: reqStr(o, 'vulnerabilityName', path) }, overview: { en: optStr(o.shortDescription) ?? '' }, solution: { en: optStr(o.requiredAction) ?? '' },
      cveIds: [cve], cweIds: cwes,
      affected: [{ vendor: reqStr(o, 'vendorProject', path), product: reqStr(o, 'product', path) }],
      references: refs, publicDate: dateAdded,
    },
  };
}
