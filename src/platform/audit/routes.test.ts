// The audit page and API on the kernel's HTTP app, with the actor injected by a test header
// instead of a login session (sessions are the auth area's concern and tested there).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { BACKENDS, startKernelContext, type KernelTestContext } from '../../../test/kernel-context.js';
import { createHttpApp } from '../http/app.js';
import type { Actor } from '../context.js';
import { auditRoutes } from './routes.js';

const auditor: Actor = { userId: 'u-auditor', kind: 'staff', displayName: '監査 太郎', organisationId: null, roles: ['auditor'], permissions: new Set(['audit.read']) };
const analyst: Actor = { userId: 'u-analyst', kind: 'staff', displayName: 'Analyst', organisationId: null, roles: ['analyst'], permissions: new Set(['case.read']) };
const actors: Record<string, Actor> = { auditor, analyst };

describe.each(BACKENDS)('audit routes on %s', (backend) => {
  let k: KernelTestContext;
  let app: FastifyInstance;
  beforeAll(async () => {
    k = await startKernelContext(backend);
    app = await createHttpApp(k.config, pino({ level: 'silent' }));
    app.addHook('onRequest', async (req) => {
      const who = req.headers['x-test-actor'];
      if (typeof who === 'string' && actors[who]) req.actor = actors[who];
    });
    await auditRoutes(app, k.ctx);
    await app.ready();
    for (let i = 1; i <= 7; i++) {
      await k.ctx.audit.record({ action: i % 2 ? 'case.read' : 'auth.login', actor: analyst, subjectType: 'case', subjectId: `C-${i}`, details: { i, note: '=cmd|calc' }, ip: '192.0.2.7' });
    }
  });
  afterAll(async () => { await app?.close(); await k?.destroy(); });

  const get = (url: string, who?: string, accept = 'application/json') =>
    app.inject({ method: 'GET', url, headers: { accept, ...(who ? { 'x-test-actor': who } : {}) } });

  it('requires audit.read', async () => {
    expect((await get('/api/v1/audit')).statusCode).toBe(401);
    expect((await get('/api/v1/audit', 'analyst')).statusCode).toBe(403);
    const page = await get('/staff/audit', undefined, 'text/html');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Fstaff%2Faudit');
    expect((await get('/staff/audit', 'analyst', 'text/html')).statusCode).toBe(403);
  });

  it('serves JSON with filters and keyset pagination', async () => {
    const first = await get('/api/v1/audit?limit=3', 'auditor');
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expect(body.items.map((e: { seq: number }) => e.seq)).toEqual([7, 6, 5]);
    expect(body.next).toBe(5);
    expect(body.items[0]).toMatchObject({ action: 'case.read', actor: { userId: 'u-analyst', kind: 'staff' }, subjectId: 'C-7', details: { i: 7 }, ip: '192.0.2.7' });
    expect(body.items[0].hash).toMatch(/^[0-9a-f]{64}$/);
    const second = (await get(`/api/v1/audit?limit=3&before=${body.next}`, 'auditor')).json();
    expect(second.items.map((e: { seq: number }) => e.seq)).toEqual([4, 3, 2]);
    const last = (await get(`/api/v1/audit?limit=3&before=${second.next}`, 'auditor')).json();
    expect(last).toEqual({ items: [expect.objectContaining({ seq: 1 })], next: null });
    const logins = (await get('/api/v1/audit?action=auth.login', 'auditor')).json();
    expect(logins.items.map((e: { seq: number }) => e.seq)).toEqual([6, 4, 2]);
    const prefix = (await get('/api/v1/audit?action=case.*&subjectType=case&subjectId=C-3', 'auditor')).json();
    expect(prefix.items.map((e: { seq: number }) => e.seq)).toEqual([3]);
    expect((await get('/api/v1/audit?limit=0', 'auditor')).statusCode).toBe(422);
  });

  it('renders the page with filters and pagination, escaping content', async () => {
    await k.ctx.audit.record({ action: 'case.note', actor: { ...analyst, displayName: '<script>alert(1)</script>' } });
    const res = await get('/staff/audit?limit=2&lang=en', 'auditor', 'text/html');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('Audit log');
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('&lt;script>');
    expect(res.body).toContain('href="/staff/audit?limit=2&amp;before=7"');
    const older = await get('/staff/audit?limit=2&before=7&action=case.*', 'auditor', 'text/html');
    expect(older.body).toContain('C-5');
    expect(older.body).not.toContain('C-6');
    expect(older.body).toContain('監査ログ');
    const junk = await get('/staff/audit?before=abc&limit=-1', 'auditor', 'text/html');
    expect(junk.statusCode).toBe(200);
  });

  it('exports CSV and audits the export', async () => {
    const res = await get('/staff/audit?format=csv&action=case.read', 'auditor', 'text/html');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(1 + 4);
    expect(lines[1]).toMatch(/^7,/);
    expect(lines[1]).toContain(`"{""i"":7,""note"":""=cmd|calc""}"`);
    const [exported] = await k.ctx.audit.list({ action: 'audit.export' });
    expect(exported).toMatchObject({ actor: { userId: 'u-auditor' }, details: { rows: 4 } });
    expect((await k.ctx.audit.verify()).ok).toBe(true);
    const sjis = await get('/staff/audit?format=csv&encoding=shift_jis', 'auditor', 'text/html');
    expect(sjis.headers['content-type']).toBe('text/csv; charset=Shift_JIS');
  });
});
