// Runtime validation of STIX 2.1 objects received over TAXII or through the service: the common
// properties of SDOs/SROs, SCOs and marking definitions, plus the object types J-CSIP exchanges.
// Written as TypeBox schemas and compiled once; the official OASIS JSON schemas are used only by
// the tests, to check that what we accept and return is valid STIX.
import { Type, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';

/** RFC 3339 in UTC with an optional fraction, as STIX requires ("2016-05-12T08:17:27.000Z"). */
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}';
const TYPE_NAME = '^(x-)?[a-z0-9]+(-[a-z0-9]+)*$';
export const TLP2_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

const Timestamp = Type.String({ pattern: TIMESTAMP_RE.source });
const Identifier = Type.String({ pattern: `^[a-z0-9-]+--${UUID}$`, maxLength: 300 });
const MarkingRef = Type.String({ pattern: `^marking-definition--${UUID}$` });
const NonEmpty = Type.String({ minLength: 1 });
const Strings = Type.Array(Type.String());
const ExternalReference = Type.Object({
  source_name: NonEmpty,
  description: Type.Optional(Type.String()),
  url: Type.Optional(Type.String()),
  hashes: Type.Optional(Type.Record(Type.String(), Type.String())),
  external_id: Type.Optional(Type.String()),
});
const GranularMarking = Type.Object({
  lang: Type.Optional(Type.String()),
  marking_ref: Type.Optional(MarkingRef),
  selectors: Type.Array(NonEmpty, { minItems: 1 }),
});
const KillChainPhase = Type.Object({ kill_chain_name: NonEmpty, phase_name: NonEmpty });
const Extensions = Type.Record(Type.String(), Type.Object({}), { minProperties: 1 });

const common = {
  type: Type.String({ pattern: TYPE_NAME, minLength: 3, maxLength: 250 }),
  id: Identifier,
  object_marking_refs: Type.Optional(Type.Array(MarkingRef, { minItems: 1 })),
  granular_markings: Type.Optional(Type.Array(GranularMarking, { minItems: 1 })),
  extensions: Type.Optional(Extensions),
};

/** Common properties of SDOs and SROs (and of objects of unknown types). */
const DomainCommon = Type.Object({
  ...common,
  spec_version: Type.Literal('2.1'),
  created: Timestamp,
  modified: Timestamp,
  created_by_ref: Type.Optional(Identifier),
  revoked: Type.Optional(Type.Boolean()),
  labels: Type.Optional(Type.Array(NonEmpty, { minItems: 1 })),
  confidence: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  lang: Type.Optional(Type.String()),
  external_references: Type.Optional(Type.Array(ExternalReference, { minItems: 1 })),
});

/** Common properties of cyber-observable objects. */
const ObservableCommon = Type.Object({
  ...common,
  spec_version: Type.Optional(Type.Literal('2.1')),
  defanged: Type.Optional(Type.Boolean()),
});

const MarkingDefinition = Type.Object({
  ...common,
  type: Type.Literal('marking-definition'),
  spec_version: Type.Literal('2.1'),
  created: Timestamp,
  created_by_ref: Type.Optional(Identifier),
  external_references: Type.Optional(Type.Array(ExternalReference, { minItems: 1 })),
  name: Type.Optional(Type.String()),
  definition_type: Type.Optional(Type.String({ minLength: 1 })),
  definition: Type.Optional(Type.Object({})),
});

const Hashes = Type.Record(Type.String(), Type.String({ minLength: 1 }), { minProperties: 1 });

/** Type-specific requirements, checked in addition to the common properties. */
const SPECIFIC: Record<string, TSchema> = {
  indicator: Type.Object({
    name: Type.Optional(Type.String()), description: Type.Optional(Type.String()), indicator_types: Type.Optional(Strings),
    pattern: NonEmpty, pattern_type: NonEmpty, pattern_version: Type.Optional(Type.String()),
    valid_from: Timestamp, valid_until: Type.Optional(Timestamp), kill_chain_phases: Type.Optional(Type.Array(KillChainPhase)),
  }),
  'observed-data': Type.Object({
    first_observed: Timestamp, last_observed: Timestamp,
    number_observed: Type.Integer({ minimum: 1, maximum: 999_999_999 }),
    object_refs: Type.Array(Identifier, { minItems: 1 }),
  }),
  malware: Type.Object({
    name: Type.Optional(Type.String()), is_family: Type.Boolean(), malware_types: Type.Optional(Strings),
    aliases: Type.Optional(Strings), kill_chain_phases: Type.Optional(Type.Array(KillChainPhase)),
    first_seen: Type.Optional(Timestamp), last_seen: Type.Optional(Timestamp), sample_refs: Type.Optional(Type.Array(Identifier)),
  }),
  'attack-pattern': Type.Object({ name: NonEmpty, aliases: Type.Optional(Strings), kill_chain_phases: Type.Optional(Type.Array(KillChainPhase)) }),
  report: Type.Object({ name: NonEmpty, published: Timestamp, report_types: Type.Optional(Strings), object_refs: Type.Array(Identifier, { minItems: 1 }) }),
  relationship: Type.Object({
    relationship_type: Type.String({ pattern: '^[a-z0-9-]+$' }), source_ref: Identifier, target_ref: Identifier,
    start_time: Type.Optional(Timestamp), stop_time: Type.Optional(Timestamp),
  }),
  identity: Type.Object({ name: NonEmpty, identity_class: Type.Optional(Type.String()), sectors: Type.Optional(Strings), contact_information: Type.Optional(Type.String()) }),
  note: Type.Object({ abstract: Type.Optional(Type.String()), content: NonEmpty, authors: Type.Optional(Strings), object_refs: Type.Array(Identifier, { minItems: 1 }) }),
  'email-message': Type.Object({
    is_multipart: Type.Boolean(), date: Type.Optional(Timestamp), content_type: Type.Optional(Type.String()),
    from_ref: Type.Optional(Identifier), sender_ref: Type.Optional(Identifier), to_refs: Type.Optional(Type.Array(Identifier)),
    cc_refs: Type.Optional(Type.Array(Identifier)), bcc_refs: Type.Optional(Type.Array(Identifier)),
    subject: Type.Optional(Type.String()), body: Type.Optional(Type.String()),
    body_multipart: Type.Optional(Type.Array(Type.Object({}))),
  }),
  file: Type.Object({
    hashes: Type.Optional(Hashes), size: Type.Optional(Type.Integer({ minimum: 0 })), name: Type.Optional(Type.String()),
    mime_type: Type.Optional(Type.String()), contains_refs: Type.Optional(Type.Array(Identifier)),
  }),
  'ipv4-addr': Type.Object({ value: Type.String({ pattern: '^\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?$' }) }),
  'domain-name': Type.Object({ value: Type.String({ minLength: 1, maxLength: 253 }) }),
  url: Type.Object({ value: Type.String({ minLength: 1 }) }),
  'email-addr': Type.Object({ value: Type.String({ minLength: 3 }), display_name: Type.Optional(Type.String()) }),
};

/** Types that are cyber-observables (no created/modified; versioned by date added). */
export const OBSERVABLE_TYPES = new Set([
  'artifact', 'autonomous-system', 'directory', 'domain-name', 'email-addr', 'email-message', 'file', 'ipv4-addr',
  'ipv6-addr', 'mac-addr', 'mutex', 'network-traffic', 'process', 'software', 'url', 'user-account',
  'windows-registry-key', 'x509-certificate',
]);

const domainCheck = TypeCompiler.Compile(DomainCommon);
const observableCheck = TypeCompiler.Compile(ObservableCommon);
const markingCheck = TypeCompiler.Compile(MarkingDefinition);
const specificChecks = new Map<string, TypeCheck<TSchema>>(Object.entries(SPECIFIC).map(([k, s]) => [k, TypeCompiler.Compile(s)]));

function firstError(check: TypeCheck<TSchema>, value: unknown): string | null {
  if (check.Check(value)) return null;
  const e = check.Errors(value).First();
  if (!e) return 'invalid';
  return `${e.path || '(object)'}: ${e.message}`;
}

/** Parses a STIX timestamp; null when it is not one (including impossible dates like 02-30). */
export function parseTimestamp(s: unknown): Date | null {
  if (typeof s !== 'string') return null;
  const m = TIMESTAMP_RE.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, se] = m.map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || se > 60) return null;
  return date;
}

/** Microseconds since the epoch, for ordering versions exactly (JS dates stop at milliseconds). */
export function timestampMicros(s: string): bigint {
  const m = TIMESTAMP_RE.exec(s)!;
  const frac = (m[7] ?? '.').slice(1).padEnd(6, '0').slice(0, 6);
  return BigInt(parseTimestamp(s)!.getTime()) * 1000n + BigInt(frac);
}

/**
 * Checks one STIX 2.1 object. Returns null when it is acceptable, or the reason it is not.
 * Unknown types are accepted when they carry the common properties of an SDO/SRO.
 */
export function stixProblem(obj: unknown): string | null {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return 'not a JSON object';
  const o = obj as Record<string, unknown>;
  if (typeof o.type !== 'string') return 'type: required';
  if (typeof o.id !== 'string') return 'id: required';
  if (!o.id.startsWith(`${o.type}--`)) return 'id: must start with the object type followed by "--"';
  const type = o.type;
  let problem: string | null;
  if (type === 'marking-definition') {
    problem = firstError(markingCheck, o) ?? markingProblem(o);
  } else if (OBSERVABLE_TYPES.has(type)) {
    problem = firstError(observableCheck, o);
    if (!problem && type === 'file' && o.hashes === undefined && o.name === undefined) problem = 'file: needs hashes or name';
  } else {
    if (type === 'bundle') return 'a bundle is not a STIX object to store; send its objects in a TAXII envelope';
    problem = firstError(domainCheck, o);
    if (!problem) {
      const created = timestampMicros(o.created as string);
      if (timestampMicros(o.modified as string) < created) problem = 'modified: must not be earlier than created';
    }
  }
  if (problem) return problem;
  const specific = specificChecks.get(type);
  if (specific) problem = firstError(specific, o);
  if (problem) return problem;
  for (const k of ['created', 'modified', 'valid_from', 'valid_until', 'first_observed', 'last_observed', 'published']) {
    if (o[k] !== undefined && !parseTimestamp(o[k])) return `${k}: not a valid timestamp`;
  }
  if (type === 'malware' && o.is_family === true && typeof o.name !== 'string') return 'name: required when is_family is true';
  if (type === 'indicator' && typeof o.valid_until === 'string' && timestampMicros(o.valid_until) <= timestampMicros(o.valid_from as string)) {
    return 'valid_until: must be later than valid_from';
  }
  if (type === 'observed-data' && timestampMicros(o.last_observed as string) < timestampMicros(o.first_observed as string)) {
    return 'last_observed: must not be earlier than first_observed';
  }
  if (type === 'ipv4-addr' && (o.value as string).split('/')[0].split('.').some((p) => Number(p) > 255)) return 'value: not an IPv4 address';
  return null;
}

function markingProblem(o: Record<string, unknown>): string | null {
  const ext = (o.extensions as Record<string, Record<string, unknown>> | undefined)?.[TLP2_EXTENSION];
  if (ext) {
    if (ext.extension_type !== 'property-extension') return `extensions.${TLP2_EXTENSION}.extension_type: must be "property-extension"`;
    if (!['clear', 'green', 'amber', 'amber+strict', 'red'].includes(String(ext.tlp_2_0))) return `extensions.${TLP2_EXTENSION}.tlp_2_0: must be clear, green, amber, amber+strict or red`;
    return null;
  }
  if (o.definition_type === undefined && o.extensions === undefined) return 'marking-definition: needs definition_type and definition, or an extension';
  if (o.definition_type !== undefined && (typeof o.definition !== 'object' || o.definition === null)) return 'definition: required with definition_type';
  if (o.definition_type === 'tlp' && !['white', 'green', 'amber', 'red'].includes(String((o.definition as Record<string, unknown>).tlp))) return 'definition.tlp: must be white, green, amber or red';
  if (o.definition_type === 'statement' && typeof (o.definition as Record<string, unknown>).statement !== 'string') return 'definition.statement: required';
  return null;
}

/** The version string of an object: modified, else created; null for objects that have neither (SCOs). */
export function versionOf(o: Record<string, unknown>): string | null {
  if (typeof o.modified === 'string') return o.modified;
  if (typeof o.created === 'string') return o.created;
  return null;
}
