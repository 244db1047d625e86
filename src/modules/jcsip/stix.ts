// STIX 2.1 objects for a shared item: the agency's identity as creator, the TLP 2.0 marking
// definition, a report, indicators with STIX patterns, observed-data with its SCOs, malware,
// attack-pattern and relationships. Ids are UUIDv5 derived from the item, so re-sharing an item
// after an update writes new versions (same id, later `modified`) rather than new objects.
import { createHash } from 'node:crypto';
import type { Indicator } from '../../shared/indicators.js';
import { AGENCY_IDENTITY_ID, AGENCY_NAME, type Tlp } from './data.js';

/** Official TLP 2.0 marking definitions (OASIS extension-definition--60a3c5c5-…). */
const TLP2_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
export const TLP2_MARKING_IDS: Record<Tlp, string> = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

export function tlpMarking(tlp: Tlp): Record<string, unknown> {
  return {
    type: 'marking-definition', spec_version: '2.1', id: TLP2_MARKING_IDS[tlp],
    created: '2022-10-01T00:00:00.000Z', name: `TLP:${tlp}`,
    extensions: { [TLP2_EXTENSION]: { extension_type: 'property-extension', tlp_2_0: tlp.toLowerCase() } },
  };
}

export function tlpOfMarkingRefs(refs: unknown): Tlp | null {
  if (!Array.isArray(refs)) return null;
  const found = (Object.entries(TLP2_MARKING_IDS) as Array<[Tlp, string]>).filter(([, id]) => refs.includes(id)).map(([t]) => t);
  const order: Tlp[] = ['RED', 'AMBER+STRICT', 'AMBER', 'GREEN', 'CLEAR'];
  return order.find((t) => found.includes(t)) ?? null;
}

const STIX_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
/** RFC 4122 version-5 UUID. */
export function uuidv5(name: string, namespace = STIX_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(Buffer.concat([ns, Buffer.from(name, 'utf8')])).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export function agencyIdentity(): Record<string, unknown> {
  return {
    type: 'identity', spec_version: '2.1', id: AGENCY_IDENTITY_ID, created: '2020-04-01T00:00:00.000Z', modified: '2020-04-01T00:00:00.000Z',
    name: AGENCY_NAME, identity_class: 'organization', sectors: ['government'],
  };
}

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

/** The STIX pattern and the cyber-observable of an indicator. */
export function patternOf(ind: Indicator): { pattern: string; sco: Record<string, unknown> } {
  const id = (type: string, key: string) => `${type}--${uuidv5(`${type}:${key}`)}`;
  switch (ind.type) {
    case 'ipv4': return { pattern: `[ipv4-addr:value = '${esc(ind.value)}']`, sco: { type: 'ipv4-addr', spec_version: '2.1', id: id('ipv4-addr', ind.value), value: ind.value } };
    case 'ipv6': return { pattern: `[ipv6-addr:value = '${esc(ind.value)}']`, sco: { type: 'ipv6-addr', spec_version: '2.1', id: id('ipv6-addr', ind.value), value: ind.value } };
    case 'domain': return { pattern: `[domain-name:value = '${esc(ind.value)}']`, sco: { type: 'domain-name', spec_version: '2.1', id: id('domain-name', ind.value), value: ind.value } };
    case 'url': return { pattern: `[url:value = '${esc(ind.value)}']`, sco: { type: 'url', spec_version: '2.1', id: id('url', ind.value), value: ind.value } };
    case 'email': return { pattern: `[email-addr:value = '${esc(ind.value)}']`, sco: { type: 'email-addr', spec_version: '2.1', id: id('email-addr', ind.value), value: ind.value } };
    case 'md5': case 'sha1': case 'sha256': {
      const alg = ind.type === 'md5' ? 'MD5' : ind.type === 'sha1' ? 'SHA-1' : 'SHA-256';
      return { pattern: `[file:hashes.'${alg}' = '${esc(ind.value)}']`, sco: { type: 'file', spec_version: '2.1', id: id('file', `${alg}:${ind.value}`), hashes: { [alg]: ind.value } } };
    }
  }
}

export interface StixItemInput {
  id: string;
  ref: string;
  title: string;
  text: string;
  tlp: Tlp;
  created: Date;
  modified: Date;
  firstObserved: Date;
  lastObserved: Date;
  numberObserved: number;
  indicators: Indicator[];
  malware?: { name: string; types?: string[] } | null;
  attackPattern?: { name: string; mitreId?: string | null } | null;
}

const iso = (d: Date) => d.toISOString();

/** All objects for one item, each marked with its TLP; the marking definition and identity come first. */
export function itemObjects(item: StixItemInput): Record<string, unknown>[] {
  const marking = TLP2_MARKING_IDS[item.tlp];
  const common = (type: string, key: string) => ({
    type, spec_version: '2.1', id: `${type}--${uuidv5(`jcsip:${item.id}:${key}`)}`,
    created: iso(item.created), modified: iso(item.modified), created_by_ref: AGENCY_IDENTITY_ID, object_marking_refs: [marking],
  });
  const out: Record<string, unknown>[] = [tlpMarking(item.tlp), agencyIdentity()];
  const refs: string[] = [];
  const scos = item.indicators.map(patternOf);
  const indicators = item.indicators.map((ind, i) => ({
    ...common('indicator', `indicator:${ind.type}:${ind.value}`),
    name: `${ind.type}: ${ind.value}`.slice(0, 250), indicator_types: ['malicious-activity'],
    pattern: scos[i].pattern, pattern_type: 'stix', valid_from: iso(item.firstObserved),
  }));
  out.push(...indicators);
  refs.push(...indicators.map((x) => x.id));
  if (scos.length) {
    const uniqueScos = [...new Map(scos.map((s) => [String(s.sco.id), s.sco])).values()];
    out.push(...uniqueScos);
    const observed = {
      ...common('observed-data', 'observed'), first_observed: iso(item.firstObserved), last_observed: iso(item.lastObserved),
      number_observed: Math.max(1, item.numberObserved), object_refs: uniqueScos.map((s) => String(s.id)),
    };
    out.push(observed);
    refs.push(observed.id, ...uniqueScos.map((s) => String(s.id)));
    for (const ind of indicators) {
      const rel = { ...common('relationship', `based-on:${ind.id}`), relationship_type: 'based-on', source_ref: ind.id, target_ref: observed.id };
      out.push(rel); refs.push(rel.id);
    }
  }
  let malwareId: string | null = null;
  if (item.malware?.name) {
    const m = { ...common('malware', `malware:${item.malware.name}`), name: item.malware.name, is_family: true, malware_types: item.malware.types?.length ? item.malware.types : ['unknown'] };
    out.push(m); refs.push(m.id); malwareId = m.id;
    for (const ind of indicators) {
      const rel = { ...common('relationship', `indicates:${ind.id}`), relationship_type: 'indicates', source_ref: ind.id, target_ref: m.id };
      out.push(rel); refs.push(rel.id);
    }
  }
  if (item.attackPattern?.name) {
    const ap: Record<string, unknown> = { ...common('attack-pattern', `attack-pattern:${item.attackPattern.name}`), name: item.attackPattern.name };
    if (item.attackPattern.mitreId) ap.external_references = [{ source_name: 'mitre-attack', external_id: item.attackPattern.mitreId, url: `https://attack.mitre.org/techniques/${item.attackPattern.mitreId.replace('.', '/')}/` }];
    out.push(ap); refs.push(String(ap.id));
    if (malwareId) {
      const rel = { ...common('relationship', 'uses'), relationship_type: 'uses', source_ref: malwareId, target_ref: String(ap.id) };
      out.push(rel); refs.push(rel.id);
    }
  }
  const report = {
    ...common('report', 'report'), name: `${item.ref} ${item.title}`.slice(0, 500), description: item.text,
    report_types: ['threat-report'], published: iso(item.modified), object_refs: refs.length ? refs : [AGENCY_IDENTITY_ID],
  };
  out.push(report);
  return out;
}

export function bundleOf(objects: Record<string, unknown>[], seed: string): Record<string, unknown> {
  return { type: 'bundle', id: `bundle--${uuidv5(`bundle:${seed}`)}`, objects };
}
