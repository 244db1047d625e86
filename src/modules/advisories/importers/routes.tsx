// The staff upload page (/staff/advisories/import): multipart upload with CSRF, format chosen or
// detected, the run's result with per-record errors, and the list of past runs.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../../../platform/context.js';
import { AppError, notFound } from '../../../platform/http/errors.js';
import { pageContext, sendPage } from '../../../platform/http/request.js';
import { readForm, field } from '../../../platform/http/forms.js';
import { requirePermission } from '../../../platform/auth/guards.js';
import { PERM } from '../service.js';
import { FORMATS, type ImportFormat } from './common.js';
import { openBuffer } from './sources.js';
import { runImport } from './engine.js';
import { ImportPage, RunPage, type RunRow } from './pages.js';

export async function importRoutes(app: FastifyInstance, ctx: AppContext) {
  const guard = { onRequest: requirePermission(PERM.import), schema: { hide: true } };
  const maxMb = Math.floor(ctx.config.maxAttachmentBytes / (1024 * 1024));
  const runs = async () => (await sql<RunRow>`select * from advisories_import_runs order by started_at desc limit 50`.execute(ctx.db)).rows;

  app.get('/staff/advisories/import', guard, async (req, reply) => sendPage(reply, <ImportPage ctx={pageContext(req)} runs={await runs()} maxMb={maxMb} />));

  app.post('/staff/advisories/import', guard, async (req, reply) => {
    const form = readForm(req);
    const format = field(form, 'format') || 'auto';
    const file = form.files.find((f) => f.field === 'file');
    const fail = async (error: { ja: string; en: string }, status: number) => sendPage(reply, <ImportPage ctx={pageContext(req)} runs={await runs()} error={error} format={format} maxMb={maxMb} />, status);
    if (format !== 'auto' && !(FORMATS as string[]).includes(format)) return fail({ ja: `形式が正しくありません: ${format}`, en: `Unknown format: ${format}` }, 422);
    if (!file) return fail({ ja: 'ファイルを選んでください。', en: 'Choose a file.' }, 422);
    let src;
    try { src = openBuffer(format as ImportFormat | 'auto', file.data, file.filename); } catch (e) {
      if (e instanceof AppError && e.status < 500) return fail(e.text, e.status);
      throw e;
    }
    const r = await runImport(ctx, src.records(), { actor: req.actor, format: src.format, fileName: src.fileName, sha256: src.sha256, size: src.size });
    return reply.redirect(`/staff/advisories/import/runs/${r.runId}`, 303);
  });

  app.get('/staff/advisories/import/runs/:id', guard, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound({ ja: '取り込み結果', en: 'import run' });
    const r = (await sql<RunRow>`select * from advisories_import_runs where id = ${id}::uuid`.execute(ctx.db)).rows[0];
    if (!r) throw notFound({ ja: '取り込み結果', en: 'import run' });
    return sendPage(reply, <RunPage ctx={pageContext(req)} r={r} />);
  });
}
