// HTTP surface of J-CSIP: public pages (landing, alerts, reports, 運用状況 with CSV), the member
// portal for organisation users, and the staff hub. Refusals (409, bilingual) are shown on the page
// that caused them; hidden items and other organisations' provisions are 404, never 403.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { pageContext, sendPage } from '../../platform/http/request.js';
import { readForm, field, fieldList, type FormData as ParsedForm } from '../../platform/http/forms.js';
import { requireLogin, requirePermission } from '../../platform/auth/guards.js';
import { calendarQuarter, jstParts } from '../../platform/i18n/dates.js';
import { csvContentType, csvDisposition, toCsv } from '../../platform/stats/csv.js';
import type { Text } from '../../platform/i18n/i18n.js';
import { categoryChartSvg } from '../../platform/ui/charts.js';
import { PERM, PROVISION_KINDS, type MemberState } from './data.js';
import { operationsReport, type JcsipService, type ProvisionInput } from './service.js';
import {
  AlertPage, ExternalSourcesPage, LandingPage, MemberPage, MembersPage, OperationsPage, PortalItemPage, PortalPage, PortalProvisionPage, ProvideFormPage,
  PublicationsPage, ReportPage, RulesPage, StaffHubPage, StaffItemPage, StaffProvisionPage,
} from './pages.js';

const errText = (e: unknown): Text | null => {
  if (!(e instanceof AppError) || ![404, 409, 413, 422].includes(e.status)) return null;
  const details = e.details.map((d) => d.message);
  return details.length ? { ja: details.map((x) => x.ja).join(' '), en: details.map((x) => x.en).join(' ') } : e.text;
};

/** Text fields of a submitted form, to show them again after a validation error (files cannot be refilled). */
const formValues = (form: ParsedForm, keys: string[]): Record<string, string> =>
  Object.fromEntries(keys.map((k) => [k, typeof form.fields[k] === 'string' ? form.fields[k] as string : field(form, k)]));

const PROVISION_FIELDS = ['kind', 'title', 'body', 'indicators', 'tlp', 'scope', 'nameProvider'];

/** The provision form's fields as the service takes them (portal and staff entry alike). */
function provisionInput(form: ParsedForm): ProvisionInput {
  const v = formValues(form, PROVISION_FIELDS);
  return {
    kind: v.kind, title: v.title, body: v.body, indicators: v.indicators, tlp: v.tlp, scope: v.scope, nameProvider: v.nameProvider,
    rawEmail: form.files.find((f) => f.field === 'eml')?.data ?? null, files: form.files.filter((f) => f.field === 'file'),
  };
}

export async function jcsipRoutes(app: FastifyInstance, ctx: AppContext, svc: JcsipService) {
  const orgName = async (id: string) => (await ctx.auth.getOrganisation(id))?.name ?? '—';

  // ---- Public ---------------------------------------------------------------------------------------
  app.get('/jcsip', async (req, reply) => sendPage(reply, <LandingPage ctx={pageContext(req)} alerts={await svc.listAlerts()} reports={await svc.listReports(true)} />));
  app.get('/jcsip/alerts/:slug', async (req, reply) => {
    const v = await svc.viewAlert((req.params as { slug: string }).slug, true);
    if (!v) throw notFound({ ja: '注意喚起', en: 'alert' });
    return sendPage(reply, <AlertPage ctx={pageContext(req)} alert={v.alert} revisions={v.revisions} />);
  });
  app.get('/jcsip/reports/:slug', async (req, reply) => {
    const r = await svc.getReport((req.params as { slug: string }).slug);
    if (!r || !r.publishedAt) throw notFound({ ja: 'レポート', en: 'report' });
    // Linked items are named by reference only: their content stays with the participants.
    const items = (await Promise.all(r.itemIds.map((id) => svc.getItem(id)))).filter((x) => !!x);
    return sendPage(reply, <ReportPage ctx={pageContext(req)} report={r} items={items as any} />);
  });
  app.get('/jcsip/operations', async (req, reply) => {
    const q = req.query as { year?: string; q?: string; format?: string };
    const now = jstParts(new Date());
    const year = Number(q.year ?? now.y);
    const quarter = Number(q.q ?? Math.floor((now.m - 1) / 3) + 1);
    if (!Number.isInteger(year) || year < 2012 || year > 2100 || ![1, 2, 3, 4].includes(quarter)) {
      throw new AppError(422, 'validation_failed', { ja: '年または四半期が正しくありません。', en: 'Invalid year or quarter.' });
    }
    const period = calendarQuarter(year, quarter as 1 | 2 | 3 | 4);
    const report = await operationsReport(ctx, period.from, period.to);
    const sigs = await svc.listSigs();
    if (q.format === 'csv') {
      const rows: unknown[][] = [['section', 'key', 'value'], ['summary', 'provisions', report.provisions], ['summary', 'shares', report.shares], ['summary', 'new_participants', report.newParticipants]];
      for (const k of PROVISION_KINDS) rows.push(['provisions_by_kind', k, report.provisionsByKind[k] ?? 0]);
      for (const p of report.participants) rows.push(['participants', p.sigId, p.organisations], ['provisions_by_sig', p.sigId, report.provisionsBySig[p.sigId] ?? 0], ['shares_by_sig', p.sigId, report.sharesBySig[`sig:${p.sigId}`] ?? 0]);
      rows.push(['shares_by_sig', 'all', report.sharesBySig.all ?? 0]);
      for (const m of report.byMonth) rows.push(['by_month', m.month, `${m.provisions}/${m.shares}`]);
      return reply.type(csvContentType('utf-8')).header('content-disposition', csvDisposition(`jcsip-operations-${year}q${quarter}.csv`)).send(toCsv(rows));
    }
    const lang = req.lang;
    const chartSvg = categoryChartSvg({
      categories: report.byMonth.map((m) => m.month), lang, key: `jcsip-ops-${year}q${quarter}`,
      desc: report.byMonth.map((m) => `${m.month}: ${m.provisions} / ${m.shares}`).join('; '),
      label: lang === 'ja' ? '月別の情報提供件数と共有件数' : 'Provisions and shares by month',
      series: [{ name: lang === 'ja' ? '情報提供' : 'Provisions', type: 'bar', data: report.byMonth.map((m) => m.provisions) }, { name: lang === 'ja' ? '情報共有' : 'Shares', type: 'line', data: report.byMonth.map((m) => m.shares) }],
    });
    return sendPage(reply, <OperationsPage ctx={pageContext(req)} year={year} quarter={quarter} report={report} chartSvg={chartSvg} sigs={sigs} />);
  });

  // ---- Portal ---------------------------------------------------------------------------------------
  async function access(req: FastifyRequest) {
    const a = await svc.portalAccess(req.actor);
    if (!a) throw new AppError(403, 'forbidden', { ja: 'J-CSIP 参加組織の登録担当者だけが利用できます。', en: 'Only registered contacts of active J-CSIP participants may use the portal.' });
    return a;
  }
  app.get('/jcsip/portal', { onRequest: requireLogin }, async (req, reply) => {
    const a = await access(req);
    const provisions = a.roles.has('submitter') ? await svc.listProvisions({ organisationId: a.member.organisationId, limit: 50 }) : [];
    const items = await svc.itemsVisibleTo(a.member.organisationId);
    return sendPage(reply, <PortalPage ctx={pageContext(req)} member={a.member} roles={[...a.roles]} provisions={provisions} items={items} received={(req.query as { received?: string }).received} />);
  });
  app.get('/jcsip/portal/provide', { onRequest: requireLogin }, async (req, reply) => {
    const a = await access(req);
    if (!a.roles.has('submitter')) throw notFound();
    return sendPage(reply, <ProvideFormPage ctx={pageContext(req)} />);
  });
  app.post('/jcsip/portal/provide', { onRequest: requireLogin }, async (req, reply) => {
    const a = await access(req);
    if (!a.roles.has('submitter')) throw notFound();
    const form = readForm(req);
    try {
      const p = await svc.submitProvision(a.member.organisationId, provisionInput(form), { actor: req.actor, channel: 'portal' });
      return reply.redirect(`/jcsip/portal?received=${encodeURIComponent(p.ref)}`, 303);
    } catch (e) {
      const t = errText(e);
      if (t) return sendPage(reply, <ProvideFormPage ctx={pageContext(req)} error={t} values={formValues(form, PROVISION_FIELDS)} />, (e as AppError).status);
      throw e;
    }
  });
  app.get('/jcsip/portal/items/:id', { onRequest: requireLogin }, async (req, reply) => {
    const a = await access(req);
    const id = (req.params as { id: string }).id;
    const item = await svc.getItem(id);
    if (!item || !(await svc.canSee(a.member.organisationId, id))) throw notFound({ ja: '共有情報', en: 'shared item' });
    await ctx.audit.record({ action: 'jcsip.item_read', actor: req.actor, subjectType: 'jcsip_item', subjectId: id, ip: req.ip });
    return sendPage(reply, <PortalItemPage ctx={pageContext(req)} item={item} providers={await svc.namedProviders(item)} />);
  });
  app.get('/jcsip/portal/provisions/:id', { onRequest: requireLogin }, async (req, reply) => {
    const a = await access(req);
    const p = await svc.getProvision((req.params as { id: string }).id);
    if (!p || p.organisationId !== a.member.organisationId || !a.roles.has('submitter')) throw notFound({ ja: '情報提供', en: 'provision' });
    return sendPage(reply, <PortalProvisionPage ctx={pageContext(req)} p={p} indicators={await svc.indicatorsOf([p.id])} />);
  });

  // ---- Staff hub --------------------------------------------------------------------------------------
  app.get('/staff/jcsip', { onRequest: requirePermission(PERM.read) }, async (req, reply) => {
    const provs = await svc.listProvisions({ status: 'received', limit: 100 });
    const withNames = await Promise.all(provs.map(async (p) => ({ ...p, orgName: await orgName(p.organisationId) })));
    return sendPage(reply, <StaffHubPage ctx={pageContext(req)} provisions={withNames} items={await svc.listItems(100)} canAnalyse={req.actor.permissions.has(PERM.analyse)} />);
  });
  app.get('/staff/jcsip/provisions/:id', { onRequest: requirePermission(PERM.read) }, async (req, reply) => {
    const p = await svc.getProvision((req.params as { id: string }).id);
    if (!p) throw notFound({ ja: '情報提供', en: 'provision' });
    await ctx.audit.record({ action: 'jcsip.provision_read', actor: req.actor, subjectType: 'jcsip_provision', subjectId: p.id, ip: req.ip });
    return sendPage(reply, <StaffProvisionPage ctx={pageContext(req)} p={p} provider={await orgName(p.organisationId)} indicators={await svc.indicatorsOf([p.id])} files={await svc.filesOf(p.id)} duplicates={await svc.duplicatesOf(p.id)} canAnalyse={req.actor.permissions.has(PERM.analyse)} />);
  });
  app.post('/staff/jcsip/provisions/:id/duplicate', { onRequest: requirePermission(PERM.analyse) }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    await svc.markDuplicate(id, field(readForm(req), 'of'), req.actor);
    return reply.redirect(`/staff/jcsip/provisions/${id}`, 303);
  });
  // Staff entry of a provision received by phone, post or another channel, on a participant's behalf.
  const activeParticipants = async () => (await svc.listMembers({ state: 'active' })).filter((m) => !m.external);
  app.get('/staff/jcsip/provide', { onRequest: requirePermission(PERM.analyse) }, async (req, reply) =>
    sendPage(reply, <ProvideFormPage ctx={pageContext(req)} staff={{ members: await activeParticipants() }} />));
  app.post('/staff/jcsip/provide', { onRequest: requirePermission(PERM.analyse) }, async (req, reply) => {
    const form = readForm(req);
    const orgId = field(form, 'organisationId');
    try {
      const member = /^[0-9a-f-]{36}$/i.test(orgId) ? await svc.getMember(orgId) : undefined;
      if (!member || member.external) throw notFound({ ja: '参加組織', en: 'participant' });
      const p = await svc.submitProvision(orgId, provisionInput(form), { actor: req.actor, channel: 'staff', receivedVia: field(form, 'receivedVia') });
      return reply.redirect(`/staff/jcsip/provisions/${p.id}`, 303);
    } catch (e) {
      const t = errText(e);
      if (t) return sendPage(reply, <ProvideFormPage ctx={pageContext(req)} error={t} values={formValues(form, [...PROVISION_FIELDS, 'organisationId', 'receivedVia'])} staff={{ members: await activeParticipants() }} />, (e as AppError).status);
      throw e;
    }
  });
  app.post('/staff/jcsip/items', { onRequest: requirePermission(PERM.analyse) }, async (req, reply) => {
    const form = readForm(req);
    const item = await svc.createItem({ title: field(form, 'title'), provisionIds: fieldList(form, 'provisionIds') }, req.actor);
    return reply.redirect(`/staff/jcsip/items/${item.id}`, 303);
  });

  async function itemPage(req: FastifyRequest, reply: FastifyReply, id: string, notice: { error?: Text | null; ok?: Text | null } = {}, status = 200) {
    const item = await svc.getItem(id);
    if (!item) throw notFound({ ja: '共有情報', en: 'shared item' });
    const sources = await svc.sourcesOf(id);
    const withOrg = await Promise.all(sources.map(async (s) => ({ ...s, orgName: await orgName(s.organisationId), sigId: (await svc.getMember(s.organisationId))?.sigId ?? '' })));
    const preview = await svc.preview(id);
    const approvedCurrent = !!item.approvedHash && (await svc.checkShare(id, { all: false, sigs: ['-'] })).reasons.every((r) => !/approved/.test(r.en));
    const a = req.actor.permissions;
    return sendPage(reply, <StaffItemPage ctx={pageContext(req)} item={item} sources={withOrg} shares={await svc.sharesOf(id)} sigs={await svc.listSigs()} preview={preview}
      approvedCurrent={approvedCurrent} strictTlp={svc.strictest(sources).tlp} canAnalyse={a.has(PERM.analyse)} canShare={a.has(PERM.share)} canPublish={a.has(PERM.publish)} {...notice} />, status);
  }
  app.get('/staff/jcsip/items/:id', { onRequest: requirePermission(PERM.read) }, async (req, reply) => itemPage(req, reply, (req.params as { id: string }).id));
  app.post('/staff/jcsip/items/:id', { onRequest: requirePermission(PERM.analyse) }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const form = readForm(req);
    const v = (k: string) => field(form, k);
    try {
      await svc.updateItem(id, { title: v('title'), draft: typeof form.fields.draft === 'string' ? form.fields.draft : v('draft'), tlp: v('tlp'), malware: v('malware'), attackPattern: v('attackPattern'), attackPatternId: v('attackPatternId'), nameProviders: v('nameProviders') === 'yes' }, req.actor);
      return reply.redirect(`/staff/jcsip/items/${id}`, 303);
    } catch (e) {
      const t = errText(e); if (t) return itemPage(req, reply, id, { error: t }, (e as AppError).status); throw e;
    }
  });
  app.post('/staff/jcsip/items/:id/approve', { onRequest: requirePermission(PERM.analyse) }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    try { await svc.approve(id, req.actor); return itemPage(req, reply, id, { ok: { ja: '匿名化後の本文を承認しました。', en: 'The redacted text is approved.' } }); }
    catch (e) { const t = errText(e); if (t) return itemPage(req, reply, id, { error: t }, (e as AppError).status); throw e; }
  });
  app.post('/staff/jcsip/items/:id/share', { onRequest: requirePermission(PERM.share) }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const form = readForm(req);
    try {
      const r = await svc.shareItem(id, { all: field(form, 'all') === 'yes', sigs: fieldList(form, 'sigs') }, req.actor);
      return itemPage(req, reply, id, { ok: { ja: `共有しました（通知 ${r.notified} 通${r.stix.written ? '、STIX 書込み済み' : ''}）。`, en: `Shared (${r.notified} notifications${r.stix.written ? ', STIX written' : ''}).` } });
    } catch (e) { const t = errText(e); if (t) return itemPage(req, reply, id, { error: t }, (e as AppError).status); throw e; }
  });
  app.post('/staff/jcsip/items/:id/withdraw', { onRequest: requirePermission(PERM.share) }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const form = readForm(req);
    try {
      await svc.withdrawItem(id, formValues(form, ['reason']).reason, req.actor);
      return itemPage(req, reply, id, { ok: { ja: '共有情報を取り下げました。', en: 'The item is withdrawn.' } });
    } catch (e) { const t = errText(e); if (t) return itemPage(req, reply, id, { error: t }, (e as AppError).status); throw e; }
  });
  app.get('/staff/jcsip/items/:id/stix', { onRequest: requirePermission(PERM.read) }, async (req, reply) => {
    return reply.type('application/stix+json;version=2.1').send(JSON.stringify(await svc.stixBundle((req.params as { id: string }).id), null, 1));
  });
  app.post('/staff/jcsip/items/:id/alert', { onRequest: requirePermission(PERM.publish) }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const form = readForm(req);
    try {
      const a = await svc.publishAlert(id, { slug: field(form, 'slug'), title: field(form, 'title'), body: typeof form.fields.body === 'string' ? form.fields.body : field(form, 'body') }, req.actor);
      return reply.redirect(`/jcsip/alerts/${a.slug}`, 303);
    } catch (e) { const t = errText(e); if (t) return itemPage(req, reply, id, { error: t }, (e as AppError).status); throw e; }
  });

  // ---- Rules -------------------------------------------------------------------------------------------
  app.get('/staff/jcsip/rules', { onRequest: requirePermission(PERM.read) }, async (req, reply) => sendPage(reply, <RulesPage ctx={pageContext(req)} rules={await svc.listRules()} />));
  app.post('/staff/jcsip/rules', { onRequest: requirePermission(PERM.analyse) }, async (req, reply) => {
    const form = readForm(req);
    const v = (k: string) => field(form, k);
    try {
      await svc.saveRule({ id: v('id') || undefined, kind: v('kind'), pattern: typeof form.fields.pattern === 'string' ? form.fields.pattern : v('pattern'), replacement: v('replacement'), category: v('category'), enabled: v('enabled') === 'yes', description: v('description') }, req.actor);
      return reply.redirect('/staff/jcsip/rules', 303);
    } catch (e) { const t = errText(e); if (t) return sendPage(reply, <RulesPage ctx={pageContext(req)} rules={await svc.listRules()} error={t} />, (e as AppError).status); throw e; }
  });

  // ---- External sharing bodies over TAXII ----------------------------------------------------------------
  const externalPage = async (req: FastifyRequest, reply: FastifyReply, notice: { error?: Text | null; ok?: Text | null; values?: Record<string, string> } = {}, status = 200) =>
    sendPage(reply, <ExternalSourcesPage ctx={pageContext(req)} sources={await svc.listExternalSources()} sigs={await svc.listSigs()} canManage={req.actor.permissions.has(PERM.members)} {...notice} />, status);
  app.get('/staff/jcsip/external', { onRequest: requirePermission(PERM.read) }, async (req, reply) => externalPage(req, reply));
  app.post('/staff/jcsip/external', { onRequest: requirePermission(PERM.members) }, async (req, reply) => {
    const form = readForm(req);
    // The secret is never echoed back into the page.
    const values = formValues(form, ['name', 'apiRoot', 'collectionId', 'authKind', 'username', 'direction', 'sigId', 'tlp', 'scope']);
    const { name, apiRoot, collectionId, authKind, username, direction, sigId, tlp, scope } = values;
    try {
      await svc.registerExternalSource({ name, apiRoot, collectionId, authKind, username, direction, sigId, tlp, scope, secret: formValues(form, ['secret']).secret }, req.actor);
      return reply.redirect('/staff/jcsip/external', 303);
    } catch (e) { const t = errText(e); if (t) return externalPage(req, reply, { error: t, values }, (e as AppError).status); throw e; }
  });
  app.post('/staff/jcsip/external/:id/sync', { onRequest: requirePermission(PERM.members) }, async (req, reply) => {
    const r = await svc.syncExternalSource((req.params as { id: string }).id, req.actor);
    return externalPage(req, reply, r.error ? { error: r.error } : { ok: { ja: `同期しました（受信 ${r.pulled} 件、送信 ${r.pushed} 件）。`, en: `Synchronised (${r.pulled} pulled, ${r.pushed} pushed).` } });
  });

  // ---- Participants ------------------------------------------------------------------------------------
  const membersPage = async (req: FastifyRequest, reply: FastifyReply, error?: Text | null, status = 200) =>
    sendPage(reply, <MembersPage ctx={pageContext(req)} sigs={await svc.listSigs()} members={await svc.listMembers()} error={error} />, status);
  app.get('/staff/jcsip/members', { onRequest: requirePermission(PERM.members) }, async (req, reply) => membersPage(req, reply));
  app.post('/staff/jcsip/members', { onRequest: requirePermission(PERM.members) }, async (req, reply) => {
    const form = readForm(req);
    const v = (k: string) => field(form, k);
    try {
      const m = await svc.addMember({ name: v('name'), nameEn: v('nameEn'), email: v('email'), sigId: v('sigId'), appliedOn: v('appliedOn') || undefined }, req.actor);
      return reply.redirect(`/staff/jcsip/members/${m.organisationId}`, 303);
    } catch (e) { const t = errText(e); if (t) return membersPage(req, reply, t, (e as AppError).status); throw e; }
  });
  const memberPage = async (req: FastifyRequest, reply: FastifyReply, orgId: string, error?: Text | null, status = 200) => {
    const m = await svc.getMember(orgId);
    if (!m) throw notFound({ ja: '参加組織', en: 'participant' });
    return sendPage(reply, <MemberPage ctx={pageContext(req)} member={m} contacts={await svc.contactsOf(orgId)} events={await svc.memberEvents(orgId)} error={error} />, status);
  };
  app.get('/staff/jcsip/members/:org', { onRequest: requirePermission(PERM.members) }, async (req, reply) => {
    const org = (req.params as { org: string }).org;
    if (!/^[0-9a-f-]{36}$/i.test(org)) throw notFound();
    return memberPage(req, reply, org);
  });
  app.post('/staff/jcsip/members/:org/state', { onRequest: requirePermission(PERM.members) }, async (req, reply) => {
    const org = (req.params as { org: string }).org;
    const form = readForm(req);
    try { await svc.transitionMember(org, field(form, 'to') as MemberState, field(form, 'on') || undefined, req.actor); return reply.redirect(`/staff/jcsip/members/${org}`, 303); }
    catch (e) { const t = errText(e); if (t) return memberPage(req, reply, org, t, (e as AppError).status); throw e; }
  });
  app.post('/staff/jcsip/members/:org/contacts', { onRequest: requirePermission(PERM.members) }, async (req, reply) => {
    const org = (req.params as { org: string }).org;
    const form = readForm(req);
    try { await svc.addContact(org, { name: field(form, 'contactName'), email: field(form, 'contactEmail'), role: field(form, 'contactRole') }, req.actor); return reply.redirect(`/staff/jcsip/members/${org}`, 303); }
    catch (e) { const t = errText(e); if (t) return memberPage(req, reply, org, t, (e as AppError).status); throw e; }
  });
  app.post('/staff/jcsip/contacts/:id/delete', { onRequest: requirePermission(PERM.members) }, async (req, reply) => {
    await svc.removeContact((req.params as { id: string }).id, req.actor);
    return reply.redirect(`/staff/jcsip/members/${field(readForm(req), 'org')}`, 303);
  });

  // ---- Publications --------------------------------------------------------------------------------------
  const pubPage = async (req: FastifyRequest, reply: FastifyReply, error?: Text | null, status = 200) =>
    sendPage(reply, <PublicationsPage ctx={pageContext(req)} alerts={await svc.listAlerts()} reports={await svc.listReports(false)} items={(await svc.listItems(50)).filter((i) => i.state === 'shared')} error={error} />, status);
  app.get('/staff/jcsip/publications', { onRequest: requirePermission(PERM.read) }, async (req, reply) => pubPage(req, reply));
  app.post('/staff/jcsip/alerts/:slug', { onRequest: requirePermission(PERM.publish) }, async (req, reply) => {
    const slug = (req.params as { slug: string }).slug;
    const form = readForm(req);
    try { await svc.updateAlert(slug, { title: field(form, 'title'), body: typeof form.fields.body === 'string' ? form.fields.body : field(form, 'body'), note: field(form, 'note') }, req.actor); return reply.redirect(`/jcsip/alerts/${slug}`, 303); }
    catch (e) { const t = errText(e); if (t) return pubPage(req, reply, t, (e as AppError).status); throw e; }
  });
  app.post('/staff/jcsip/reports', { onRequest: requirePermission(PERM.publish) }, async (req, reply) => {
    const form = readForm(req);
    try {
      const r = await svc.saveReport({ slug: field(form, 'slug'), kind: field(form, 'kind'), title: field(form, 'title'), body: typeof form.fields.body === 'string' ? form.fields.body : field(form, 'body'), itemIds: fieldList(form, 'itemIds') }, req.actor);
      await svc.publishReport(r.id, req.actor);
      return reply.redirect(`/jcsip/reports/${r.slug}`, 303);
    } catch (e) { const t = errText(e); if (t) return pubPage(req, reply, t, (e as AppError).status); throw e; }
  });
}
