// Version rules (semver, Debian/dpkg, generic) on tricky cases, identifiers (CPE 2.3/2.2, purl)
// and the inventory parsers, without a database.
import { describe, expect, it } from 'vitest';
import { compareDebian, compareGeneric, compareSemver, compareVersions, inRange, parseDebian, schemeFor, type Scheme } from './versions.js';
import { cpeKey, cpeVersion, parseCpe, parseCpe22, parseCpe23, parsePurl, purlKey } from './identifiers.js';
import { InventoryError, MAX_COMPONENTS, normalise, parseInventory, parseList, sniff } from './inventory.js';
import { dpkgComponents, lockfileComponents } from './cli.js';

/** Asserts a strictly increasing chain under a rule, and antisymmetry of every pair. */
function ascending(scheme: Scheme, chain: string[]) {
  for (let i = 0; i < chain.length; i++) {
    for (let j = 0; j < chain.length; j++) {
      const c = Math.sign(compareVersions(chain[i], chain[j], scheme));
      expect([chain[i], chain[j], c]).toEqual([chain[i], chain[j], Math.sign(i - j)]);
    }
  }
}

describe('Debian versions (dpkg algorithm)', () => {
  it('orders epochs before everything: 1:1.0 > 2.0', () => {
    expect(compareDebian('1:1.0', '2.0')).toBe(1);
    expect(compareDebian('0:2.0', '2.0')).toBe(0);
    expect(compareDebian('2:0.1', '1:9.9')).toBe(1);
  });
  it('sorts ~ before everything, even the end: 1.0~rc1 < 1.0', () => {
    ascending('debian', ['1.0~~', '1.0~~a', '1.0~', '1.0~beta1', '1.0~rc1', '1.0~rc2', '1.0', '1.0a', '1.0+b1', '1.0.1']);
  });
  it('compares revisions after the upstream version', () => {
    ascending('debian', ['7.88.1-10', '7.88.1-10+deb12u4', '7.88.1-10+deb12u5', '7.88.1-10+deb12u10', '7.88.1-11']);
    ascending('debian', ['2.30-1~bpo1', '2.30-1', '2.30-1.1', '2.30-2']);
    expect(compareDebian('3.0.11-1~deb12u2', '3.0.11-1')).toBe(-1);
    expect(compareDebian('1.0', '1.0-0')).toBe(0); // an absent revision equals "0"
    expect(compareDebian('1.2-3-4', '1.2-3-5')).toBe(-1); // the revision is after the last hyphen
  });
  it('compares digits numerically and ignores leading zeros', () => {
    expect(compareDebian('1.10', '1.9')).toBe(1);
    expect(compareDebian('1.001', '1.1')).toBe(0);
    expect(compareDebian('1.0.0', '1.0')).toBe(1); // unlike the generic rule, dpkg sees an extra ".0"
    expect(compareDebian('20230101', '9')).toBe(1);
  });
  it('letters sort before non-letters and after the end', () => {
    ascending('debian', ['1.0', '1.0a', '1.0b', '1.0+', '1.0.']);
  });
  it('validates versions with the reason', () => {
    expect(parseDebian('1:2.3-4')).toEqual({ ok: true, value: { epoch: 1, upstream: '2.3', revision: '4' } });
    expect(parseDebian('a:1.0')).toMatchObject({ ok: false, reason: expect.stringContaining('epoch') });
    expect(parseDebian('abc')).toMatchObject({ ok: false, reason: expect.stringContaining('digit') });
    expect(parseDebian('1.0-b_c')).toMatchObject({ ok: false, reason: expect.stringContaining('revision') });
    expect(parseDebian('1.0 2')).toMatchObject({ ok: false });
  });
});

describe('semver versions', () => {
  it('puts prereleases before the release: 2.0.0-beta < 2.0.0', () => {
    ascending('semver', ['1.9.9', '2.0.0-alpha', '2.0.0-alpha.1', '2.0.0-alpha.beta', '2.0.0-beta', '2.0.0-beta.2', '2.0.0-beta.11', '2.0.0-rc.1', '2.0.0', '2.0.1', '2.10.0']);
  });
  it('ignores build metadata and a v prefix', () => {
    expect(compareSemver('1.0.0+build.5', '1.0.0')).toBe(0);
    expect(compareSemver('v1.2.3', '1.2.3')).toBe(0);
  });
  it('falls back to the generic rule for non-semver operands', () => {
    expect(compareSemver('2.0', '2.0.0-beta')).toBe(1);
    expect(compareSemver('1.10', '1.9.5')).toBe(1);
    expect(compareSemver('2.0', '2.0.0')).toBe(0);
  });
});

describe('generic versions', () => {
  it('compares numeric segments numerically: 1.10 > 1.9', () => {
    ascending('generic', ['1.2', '1.9', '1.10', '1.10.1', '2', '10']);
    expect(compareGeneric('1.01', '1.1')).toBe(0); // leading zeros
    expect(compareGeneric('1.0', '1.0.0')).toBe(0); // trailing zeros
  });
  it('orders prerelease words before the release and letters after it (1.0a vs 1.0)', () => {
    ascending('generic', ['1.0dev1', '1.0a1', '1.0alpha2', '1.0b1', '1.0beta3', '1.0pre1', '1.0rc1', '1.0', '1.0a', '1.0b', '1.0.1']);
    expect(compareGeneric('1.0.2g', '1.0.2f')).toBe(1); // OpenSSL letter releases
    expect(compareGeneric('1.0.2a', '1.0.2')).toBe(1);
    expect(compareGeneric('2.0.0-beta', '2.0.0')).toBe(-1);
    expect(compareGeneric('1.0~rc1', '1.0')).toBe(-1);
    expect(compareGeneric('1.0-1', '1.0')).toBe(1);
  });
  it('handles mixed and odd strings', () => {
    expect(compareGeneric('v2.1', '2.1')).toBe(0);
    expect(compareGeneric('2.1.SP1', '2.1')).toBe(1);
    expect(compareGeneric('R2', 'R10')).toBe(-1);
    expect(compareGeneric('1.2.3.4.5.6.7.8.9.10', '1.2.3.4.5.6.7.8.9.9')).toBe(1);
    expect(compareGeneric('12345678901234567890', '12345678901234567891')).toBe(-1); // beyond Number precision
    expect(compareGeneric('1.0', '1.x')).toBe(1); // numbers beat letters
    expect(compareGeneric('', '')).toBe(0);
  });
});

describe('rule choice and ranges', () => {
  it('chooses the rule from the purl type', () => {
    expect(schemeFor('deb')).toBe('debian'); expect(schemeFor('npm')).toBe('semver'); expect(schemeFor('cargo')).toBe('semver');
    expect(schemeFor('maven')).toBe('generic'); expect(schemeFor(null)).toBe('generic');
  });
  it('checks ranges with including and excluding bounds', () => {
    const r = { start: '2.0.0', startIncluding: true, end: '2.3.2', endIncluding: false };
    expect(inRange('2.0.0', r, 'semver')).toBe(true);
    expect(inRange('2.3.1', r, 'semver')).toBe(true);
    expect(inRange('2.3.2', r, 'semver')).toBe(false);
    expect(inRange('2.0.0-beta', r, 'semver')).toBe(false);
    expect(inRange('2.0.0', { ...r, startIncluding: false }, 'semver')).toBe(false);
    expect(inRange('2.3.2', { ...r, endIncluding: true }, 'semver')).toBe(true);
    expect(inRange('0.1', { end: '1.0' }, 'generic')).toBe(true);
    expect(inRange('9.9', { start: '1.0' }, 'generic')).toBe(true);
    expect(inRange('1:1.0-1', { end: '2.0' }, 'debian')).toBe(false); // the epoch wins
    expect(inRange('3.0.11-1~deb12u2', { start: '3.0.0', end: '3.0.12' }, 'debian')).toBe(true);
    expect(inRange('3.0.11-1~deb12u2', { start: '3.0.0', end: '3.0.11' }, 'debian')).toBe(false); // a 3.0.11 package is after upstream 3.0.11
  });
});

describe('identifiers', () => {
  it('parses CPE 2.3 formatted strings and reports why others fail', () => {
    const c = parseCpe23('cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*');
    expect(c.ok && cpeKey(c.value)).toBe('apache:log4j');
    expect(c.ok && cpeVersion(c.value)).toBe('2.0-beta9');
    expect(parseCpe23('cpe:2.3:a:micro\\!focus:net\\:x:1.0:*:*:*:*:*:*:*')).toMatchObject({ ok: true, value: { vendor: 'micro\\!focus', product: 'net\\:x' } });
    expect(parseCpe23('cpe:2.3:a:apache:log4j')).toMatchObject({ ok: false, reason: expect.stringContaining('13') });
    expect(parseCpe23('cpe:2.3:x:apache:log4j:*:*:*:*:*:*:*:*')).toMatchObject({ ok: false, reason: expect.stringContaining('part') });
    expect(parseCpe23('cpe:2.3:a:apa che:log4j:*:*:*:*:*:*:*:*')).toMatchObject({ ok: false, reason: expect.stringContaining('vendor') });
    expect(parseCpe23('cpe:2.3:a:apache:log4j:*:*:*:english:*:*:*:*')).toMatchObject({ ok: false, reason: expect.stringContaining('language') });
    expect(parseCpe('pkg:npm/x')).toMatchObject({ ok: false });
  });
  it('converts CPE 2.2 URIs', () => {
    expect(parseCpe22('cpe:/a:apache:http_server:2.4.49')).toMatchObject({ ok: true, value: { cpe23: 'cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*' } });
    expect(parseCpe('cpe:/a:Microsoft:Internet_Explorer:8.%02:sp2')).toMatchObject({ ok: false });
    expect(parseCpe('cpe:/o:linux:linux_kernel:5.10~rc1')).toMatchObject({ ok: true, value: { cpe23: 'cpe:2.3:o:linux:linux_kernel:5.10\\~rc1:*:*:*:*:*:*:*' } });
    expect(parseCpe('cpe:/a:x:y:1:2:3:4:5')).toMatchObject({ ok: false });
  });
  it('parses purls and computes the matching key', () => {
    expect(parsePurl('pkg:npm/%40Babel/Core@7.0.0')).toMatchObject({ ok: true, value: { type: 'npm', namespace: '@babel', name: 'core', version: '7.0.0' } });
    expect(purlKey('pkg:npm/%40babel/core@7.0.0?x=1#sub')).toBe('pkg:npm/@babel/core');
    expect(purlKey('pkg:npm/@babel/core')).toBe('pkg:npm/@babel/core');
    expect(purlKey('pkg:pypi/django_rest@1.0')).toBe('pkg:pypi/django-rest');
    expect(parsePurl('pkg:/x')).toMatchObject({ ok: false, reason: expect.stringContaining('name') });
    expect(parsePurl('npm:lodash')).toMatchObject({ ok: false });
  });
});

describe('inventories', () => {
  it('parses a plain list with comments and versions', () => {
    const list = parseList('# my servers\npkg:npm/lodash@4.17.20\ncpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:* 2.14.1  # trailing comment\n\n  cpe:/a:openbsd:openssh 9.3p1\nnot-an-id\n');
    expect(list.map((c) => [c.purl ?? c.cpe, c.version])).toEqual([['pkg:npm/lodash@4.17.20', null], ['cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*', '2.14.1'], ['cpe:/a:openbsd:openssh', '9.3p1'], ['not-an-id', null]]);
    const n = list.map((c, i) => normalise(c, i));
    expect(n[0]).toMatchObject({ version: '4.17.20', purlKey: 'pkg:npm/lodash', scheme: 'semver', errors: [] });
    expect(n[2]).toMatchObject({ cpe: 'cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*', cpeKey: 'openbsd:openssh', version: '9.3p1', scheme: 'generic' });
    expect(n[3].errors[0].field).toBe('components[3].purl');
    expect(n[3].errors[0].message.en).toContain('Invalid package URL');
  });
  it('detects formats', () => {
    expect(sniff('<?xml version="1.0"?><bom/>')).toBe('cyclonedx-xml');
    expect(sniff('{"bomFormat":"CycloneDX"}')).toBe('cyclonedx-json');
    expect(sniff('{"spdxVersion":"SPDX-2.3"}')).toBe('spdx-json');
    expect(sniff('pkg:npm/x@1')).toBe('list');
  });
  it('refuses bad documents with a clear reason', () => {
    const fail = (f: () => unknown) => { try { f(); } catch (e) { return e as InventoryError; } throw new Error('did not fail'); };
    expect(fail(() => parseInventory('{"bomFormat": "CycloneDX", ', 'cyclonedx-json'))).toMatchObject({ status: 422, code: 'invalid_json' });
    expect(fail(() => parseInventory('{"bomFormat":"CycloneDX","specVersion":"2.0"}'))).toMatchObject({ status: 422, text: { en: expect.stringContaining('specVersion') } });
    expect(fail(() => parseInventory('<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY x "y">]><bom xmlns="http://cyclonedx.org/schema/bom/1.5"/>'))).toMatchObject({ status: 422, code: 'xml_doctype_refused' });
    expect(fail(() => parseInventory('<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component></components></bom>'))).toMatchObject({ status: 422, code: 'invalid_xml', text: { en: expect.stringContaining('line 1') } });
    expect(fail(() => parseInventory('<bom xmlns="urn:other"/>'))).toMatchObject({ status: 422 });
    expect(fail(() => parseInventory('{"spdxVersion":"SPDX-3.0"}'))).toMatchObject({ status: 422 });
    expect(fail(() => parseInventory(Array.from({ length: MAX_COMPONENTS + 1 }, (_, i) => `pkg:npm/p${i}@1.0.0`).join('\n')))).toMatchObject({ status: 413, code: 'too_many_components' });
    // Deep nesting neither overflows the stack nor hangs.
    let deep: Record<string, unknown> = { name: 'leaf', purl: 'pkg:npm/leaf@1.0.0' };
    for (let i = 0; i < 100; i++) deep = { name: `n${i}`, purl: `pkg:npm/n${i}@1.0.0`, components: [deep] };
    expect(fail(() => parseInventory({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [deep] }))).toMatchObject({ status: 422, text: { en: expect.stringContaining('nested') } });
    expect(fail(() => parseInventory('['.repeat(200_000) + ']'.repeat(200_000), 'cyclonedx-json'))).toMatchObject({ status: 422 });
  });
});

describe('mamori check inventories', () => {
  it('turns dpkg-query output into deb purls', () => {
    const c = dpkgComponents('openssl\t3.0.11-1~deb12u2\tamd64\nlibc6\t2.36-9+deb12u4\tamd64\n\nbroken\n', 'debian');
    expect(c.map((x) => x.purl)).toEqual(['pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64', 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64']);
    const n = normalise(c[1], 1);
    expect(n).toMatchObject({ version: '2.36-9+deb12u4', scheme: 'debian', purlKey: 'pkg:deb/debian/libc6' });
  });
  it('reads package-lock.json v3 and v1', () => {
    const v3 = lockfileComponents(JSON.stringify({ name: 'app', lockfileVersion: 3, packages: {
      '': { name: 'app', version: '1.0.0' }, 'node_modules/lodash': { version: '4.17.20' }, 'node_modules/@babel/core': { version: '7.22.0' },
      'node_modules/a/node_modules/lodash': { version: '4.17.21' }, 'node_modules/alias': { name: 'real-pkg', version: '2.0.0' }, 'packages/ws': { version: '0.0.1' }, 'node_modules/ws': { link: true, resolved: 'packages/ws' },
    } }), 'package-lock.json');
    expect(v3.map((c) => c.purl)).toEqual(['pkg:npm/lodash@4.17.20', 'pkg:npm/%40babel/core@7.22.0', 'pkg:npm/lodash@4.17.21', 'pkg:npm/real-pkg@2.0.0']);
    const v1 = lockfileComponents(JSON.stringify({ lockfileVersion: 1, dependencies: { lodash: { version: '4.17.20', dependencies: { minimist: { version: '0.0.8' } } }, local: { version: 'file:../x' } } }), 'old.json');
    expect(v1.map((c) => c.purl)).toEqual(['pkg:npm/lodash@4.17.20', 'pkg:npm/minimist@0.0.8']);
    expect(() => lockfileComponents('{', 'bad.json')).toThrow(/not valid JSON/);
  });
});
