// Attachments sent with a public submission: stored encrypted in the submission's own transaction
// (createGrouped's per-case hook) and posted as the reporter's first message, visible to the
// reporter's party only. Shared by every desk that takes reports with files.
import type { Actor, AppContext } from '../context.js';
import type { UploadedFile } from '../http/forms.js';
import type { CreateEffects } from './engine.js';

export function submissionAttachments(ctx: AppContext, files: UploadedFile[], actor: Actor, authorName: string): CreateEffects['inTransaction'] {
  if (!files.length) return undefined;
  return async (trx, c) => {
    const stored = [];
    for (const f of files) stored.push(await ctx.files.put({ filename: f.filename, contentType: f.contentType, data: f.data }, trx));
    const reporter = c.parties.find((p) => p.role === 'reporter');
    if (!reporter) throw new Error('a submission with attachments needs a reporter party');
    await ctx.cases.postMessage(c.record.id, {
      body: '届出時の添付ファイル / Attachments submitted with the report', visibility: 'parties', partyIds: [reporter.id], authorPartyId: reporter.id, files: stored,
    }, { ...actor, displayName: authorName }, trx);
  };
}
