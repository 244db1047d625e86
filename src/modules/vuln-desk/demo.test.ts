// The demo history reproduces the FY2020 (令和2年度) annual report of the desk, through the
// statistics service and the public JSON API, on both database backends; loading it twice is harmless.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import { fiscalYear, jstMidnight, jstParts } from '../../platform/i18n/dates.js';
import type { Organisation } from '../../platform/auth/auth.js';
import { computeStatistics, type DeskStatistics } from './stats.js';
import { PRODUCT, WEB } from './case-types.js';
import { buildDeskHistory, DEMO_ACCOUNTS, DEMO_ORGANISATIONS, DEMO_PASSWORD, DEMO_TOTP_SECRET, loadDeskDemo } from './demo.js';

/** The figures of the FY2020 annual report (as of 2021-03-31; increase over FY2020). */
const FY2020: Omit<DeskStatistics, 'period'> = {
  received: {
    product: { total: 4772, increase: 255 },
    developerReports: { total: 312, increase: 21 },
    web: { total: 11705, increase: 734 },
    total: { total: 16477, increase: 989 },
  },
  closed: {
    product: { total: 2785, increase: 94 },
    published: { total: 1875, increase: 96 },
    web: { total: 10378, increase: 316 },
    total: { total: 13163, increase: 410 },
  },
  inHandling: {
    product: { notSentToCoordinator: 24, total: 1987 },
    web: { operatorNotContacted: 49, detailsNotSent: 639, total: 1327 },
  },
  providedToOperators: 465,
  providedToDevelopers: 115,
  publications: 96,
  alerts: 3,
  emergencyCountermeasures: 0,
  priorityProvisions: { electric_power: { total: 19, increase: 15 }, government: { total: 15, increase: 13 } },
  openBugBounty: 55,
};

const RECENT = 12;
const FAR_FUTURE = jstMidnight(2100, 1, 1);

describe.each(BACKENDS)('vuln-desk demo data (%s)', (backend) => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform(backend);
    const t0 = Date.now();
    await loadDeskDemo(platform.ctx);
    console.info(`[${backend}] loadDeskDemo: ${Date.now() - t0} ms`);
  }, 600_000);

  afterAll(async () => {
    await platform?.destroy();
  });

  it('reproduces every figure of the FY2020 annual report', async () => {
    const fy = fiscalYear(2020);
    const { period, ...figures } = await computeStatistics(platform.ctx.cases, fy.from, fy.to);
    expect(period).toEqual({ from: fy.from.toISOString(), to: fy.to.toISOString() });
    expect(figures).toEqual(FY2020);
  });

  it('serves the same figures through GET /api/v1/vulnerability-reports/statistics?asOf=2021-03-31', async () => {
    const res = await platform.app.inject({ method: 'GET', url: '/api/v1/vulnerability-reports/statistics?asOf=2021-03-31' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { statistics: DeskStatistics };
    const { period, ...figures } = body.statistics;
    expect(period).toEqual({ from: fiscalYear(2020).from.toISOString(), to: fiscalYear(2020).to.toISOString() });
    expect(figures).toEqual(FY2020);
  });

  it('matches the end of FY2019 (as of 2020-03-31)', async () => {
    const fy = fiscalYear(2019);
    const s = await computeStatistics(platform.ctx.cases, fy.from, fy.to);
    expect(s.received.product.total).toBe(4517);
    expect(s.closed.product.total).toBe(2691);
    expect(s.closed.published.total).toBe(1779);
    expect(s.received.web.total).toBe(10971);
    expect(s.closed.web.total).toBe(10062);
    expect(s.received.developerReports.total).toBe(291);
    expect(s.priorityProvisions.electric_power.total).toBe(4);
    expect(s.priorityProvisions.government.total).toBe(2);
    // Nothing of the scheme existed before it began.
    const before = await computeStatistics(platform.ctx.cases, jstMidnight(2004, 4, 1), jstMidnight(2004, 7, 8));
    expect(before.received.total.total).toBe(0);
  });

  it('numbers references by type and year of receipt, in order of receipt', async () => {
    const first = await platform.ctx.cases.load('IPA-P-2020-00001');
    expect(first?.type).toBe(PRODUCT);
    expect(jstParts(first!.receivedAt).y).toBe(2020);
    const firstWeb = await platform.ctx.cases.load('IPA-W-2004-00001');
    expect(firstWeb?.type).toBe(WEB);
    expect(firstWeb!.receivedAt.getTime()).toBeGreaterThanOrEqual(jstMidnight(2004, 7, 8).getTime());
    const page = await platform.ctx.cases.search({ type: PRODUCT, receivedFrom: jstMidnight(2020, 1, 1), receivedTo: jstMidnight(2021, 1, 1) }, { sort: 'received_asc', limit: 20 });
    expect(page.items.map((c) => c.ref)).toEqual(page.items.map((_, i) => `IPA-P-2020-${String(i + 1).padStart(5, '0')}`));
    const all = await platform.ctx.cases.search({}, { sort: 'received_desc', limit: 100 });
    for (const c of all.items) expect(c.ref).toMatch(/^IPA-[PW]-\d{4}-\d{5}$/);
  });

  it('looks like real reports: data, parties, advisories, priority recipients', async () => {
    const published = await platform.ctx.cases.search({ type: PRODUCT, state: ['published'] }, { limit: 5 });
    for (const c of published.items) {
      const d = c.data as { source: string; reporter: { email: string }; product: { name: string; vendor: string }; cwe: string; advisory: { title: string; cvssVector: string; cvss: { baseScore: number } } };
      expect(['finder', 'developer']).toContain(d.source);
      expect(d.product.name).toBeTruthy();
      expect(d.cwe).toMatch(/^CWE-\d+$/);
      expect(d.advisory.cvssVector).toMatch(/^CVSS:3\.1\/AV:[NALP]\/AC:[LH]\/PR:[NLH]\/UI:[NR]\/S:[UC]\/C:[NLH]\/I:[NLH]\/A:[NLH]$/);
      expect(d.advisory.cvss.baseScore).toBeGreaterThan(0);
      expect(c.title).toMatch(/における.+の脆弱性$/);
      const roles = (await platform.ctx.cases.partiesOf(c.id)).map((p) => p.role).sort();
      expect(roles).toEqual(expect.arrayContaining(['coordinator', 'reporter', 'vendor']));
    }
    const orgs = await platform.ctx.auth.listOrganisations({ kind: 'priority_recipient' });
    const power = orgs.find((o) => o.category === 'electric_power')!;
    const provisioned = await platform.ctx.cases.listForParty({ userId: null, kind: 'org', displayName: 'x', organisationId: power.id, roles: [], permissions: new Set() });
    expect(provisioned.length).toBeGreaterThanOrEqual(15);
    for (const c of provisioned) {
      const h = await platform.ctx.cases.history(c.id);
      const prov = h.find((e) => e.kind === 'priority_provision' && e.details.organisationId === power.id)!;
      // Provided while being coordinated: after the developer was contacted, before publication.
      const contact = h.find((e) => e.details.transition === 'contact_developer')!;
      const pub = h.find((e) => e.toState === 'published');
      expect(prov.at.getTime()).toBeGreaterThan(contact.at.getTime());
      if (pub) expect(prov.at.getTime()).toBeLessThan(pub.at.getTime());
    }
    const obb = await platform.ctx.cases.search({ type: WEB, data: { source: 'open_bug_bounty' } }, { limit: 100 });
    expect(obb.total).toBe(55);
    const obbParties = await platform.ctx.cases.partiesOf(obb.items[0].id);
    expect(obbParties.find((p) => p.role === 'reporter')).toMatchObject({ name: 'Open Bug Bounty 監視', email: null });
  });

  it('leaves fresh work for the staff workbench (November 2026)', async () => {
    const recent = await platform.ctx.cases.search({ receivedFrom: jstMidnight(2026, 11, 1), receivedTo: jstMidnight(2026, 12, 1) }, { limit: 50 });
    expect(recent.total).toBe(RECENT);
    for (const c of recent.items) expect(['received', 'checking', 'forwarded', 'coordinating', 'locating', 'provided']).toContain(c.state);
  });

  it('creates the demo accounts, with TOTP enrolled for staff', async () => {
    const orgs = await platform.ctx.auth.listOrganisations();
    for (const o of DEMO_ORGANISATIONS) expect(orgs.filter((x) => x.name === o.name && x.kind === o.kind)).toHaveLength(1);
    const byId = new Map<string, Organisation>(orgs.map((o) => [o.id, o]));
    for (const a of DEMO_ACCOUNTS) {
      const u = await platform.ctx.auth.findUserByEmail(a.email);
      expect(u, a.email).toBeDefined();
      expect(u!.kind).toBe(a.kind);
      expect([...u!.roles].sort()).toEqual([...a.roles].sort());
      if (a.kind === 'staff') expect(u!.totpEnabled).toBe(true);
      else expect(byId.get(u!.organisationId!)?.name).toBe(DEMO_ORGANISATIONS.find((o) => o.key === a.organisation)!.name);
    }
    const code = new TOTP({ secret: Secret.fromBase32(DEMO_TOTP_SECRET), algorithm: 'SHA1', digits: 6, period: 30 }).generate();
    const res = await platform.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'desk@mamori.example.jp', password: DEMO_PASSWORD, totp: code } });
    expect(res.statusCode).toBe(200);
  });

  it('is idempotent: a second load adds nothing', async () => {
    const count = async () => ({
      product: await platform.ctx.cases.countReceived(PRODUCT, null, FAR_FUTURE),
      web: await platform.ctx.cases.countReceived(WEB, null, FAR_FUTURE),
      orgs: (await platform.ctx.auth.listOrganisations()).length,
      staff: (await platform.ctx.auth.listStaff()).length,
    });
    const before = await count();
    expect(before.product + before.web).toBe(16477 + RECENT);
    await loadDeskDemo(platform.ctx);
    expect(await count()).toEqual(before);
  });
});

describe('demo history', () => {
  it('is deterministic', () => {
    const orgs = new Map<string, Organisation>(DEMO_ORGANISATIONS.map((o, i) => [o.key, { id: `00000000-0000-4000-8000-00000000000${i}`, name: o.name, nameEn: o.nameEn, kind: o.kind, email: o.email, category: o.category ?? null }]));
    const a = buildDeskHistory(orgs);
    const b = buildDeskHistory(orgs);
    expect(a).toHaveLength(16477 + RECENT);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
