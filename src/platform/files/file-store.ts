// Attachments encrypted at rest with AES-256-GCM (see migrations.ts for why the ciphertext is
// stored in the database). The file id is bound as additional authenticated data, so ciphertext
// copied onto another file's row fails authentication instead of being served under a wrong name.
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Generated } from 'kysely';
import type { AppContext, Executor } from '../context.js';
import type { DB } from '../db/database.js';
import { AppError, badRequest } from '../http/errors.js';
import type { FileStore, StoredFile } from './files.js';

export interface FilesTable {
  id: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  iv: Uint8Array;
  auth_tag: Uint8Array;
  ciphertext: Uint8Array;
  created_at: Generated<Date>;
  erased_at: Generated<Date | null>;
}

declare module '../db/database.js' {
  interface Tables {
    files: FilesTable;
  }
}

const MAX_FILENAME_CHARS = 180;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A filename safe to show and to offer for download: last path component only, no control or
 * bidi-override characters (which can disguise an extension), no leading dots, bounded length
 * (keeping the extension).
 */
export function sanitizeFilename(name: string): string {
  let s = String(name ?? '').normalize('NFC');
  s = s.split(/[\\/]/).pop() ?? '';
  s = s.replace(/[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu, '');
  s = s.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
  const chars = [...s];
  if (chars.length > MAX_FILENAME_CHARS) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 ? [...s.slice(dot)] : [];
    const keepExt = ext.length > 0 && ext.length <= 16 ? ext : [];
    s = chars.slice(0, MAX_FILENAME_CHARS - keepExt.length).join('') + keepExt.join('');
  }
  return s || 'attachment';
}

/** The declared type is kept as metadata only (downloads are always octet-stream). */
function sanitizeContentType(ct: string): string {
  const base = String(ct ?? '').split(';')[0].trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(base) ? base : 'application/octet-stream';
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MB` : `${Math.ceil(n / 1024)} KB`;
}

const aadOf = (id: string) => Buffer.from(`mamori-file:${id.toLowerCase()}`, 'utf8');
// pg returns Buffer for bytea, PGlite a Uint8Array.
const toBuffer = (u: Uint8Array) => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));

function toStored(r: { id: string; filename: string; content_type: string; size: number; sha256: string; created_at: Date }): StoredFile {
  return { id: r.id, filename: r.filename, contentType: r.content_type, size: Number(r.size), sha256: r.sha256, createdAt: new Date(r.created_at) };
}

export function createFileStore(ctx: AppContext): FileStore {
  const key = () => {
    const k = ctx.config.fileKey;
    if (!k || k.length !== 32) throw new Error('config.fileKey must be 32 bytes');
    return k;
  };

  return {
    async put(input, trx?: Executor) {
      const data = input.data;
      if (!((data as unknown) instanceof Uint8Array)) throw new TypeError('file data must be a Buffer');
      if (data.length === 0) {
        throw badRequest('file_empty', { ja: '空のファイルは添付できません。', en: 'Empty files cannot be attached.' });
      }
      const max = ctx.config.maxAttachmentBytes;
      if (data.length > max) {
        throw new AppError(413, 'file_too_large', {
          ja: `ファイルが大きすぎます（上限 ${formatBytes(max)}）。`,
          en: `The file is too large (limit ${formatBytes(max)}).`,
        });
      }
      const id = randomUUID();
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key(), iv, { authTagLength: 16 });
      cipher.setAAD(aadOf(id));
      const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
      const row = {
        id,
        filename: sanitizeFilename(input.filename),
        content_type: sanitizeContentType(input.contentType),
        size: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
        iv,
        auth_tag: cipher.getAuthTag(),
        ciphertext,
      };
      const inserted = await ((trx ?? ctx.db) as DB).insertInto('files').values(row)
        .returning(['id', 'filename', 'content_type', 'size', 'sha256', 'created_at']).executeTakeFirstOrThrow();
      return toStored(inserted);
    },

    async meta(id) {
      if (!UUID_RE.test(id)) return undefined;
      const r = await (ctx.db as DB).selectFrom('files')
        .select(['id', 'filename', 'content_type', 'size', 'sha256', 'created_at']).where('id', '=', id).executeTakeFirst();
      return r ? toStored(r) : undefined;
    },

    async read(id) {
      if (!UUID_RE.test(id)) return undefined;
      const r = await (ctx.db as DB).selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r || r.erased_at) return undefined;
      // A fixed tag length: otherwise GCM accepts truncated (weaker) tags.
      const decipher = createDecipheriv('aes-256-gcm', key(), toBuffer(r.iv), { authTagLength: 16 });
      decipher.setAAD(aadOf(r.id));
      decipher.setAuthTag(toBuffer(r.auth_tag));
      // final() throws when the tag does not authenticate: tampered ciphertext, tag, IV or id.
      const data = Buffer.concat([decipher.update(toBuffer(r.ciphertext)), decipher.final()]);
      if (createHash('sha256').update(data).digest('hex') !== r.sha256) throw new Error(`file ${id}: checksum mismatch`);
      return { file: toStored(r), data };
    },

    async erase(id, trx?: Executor) {
      if (!UUID_RE.test(id)) return false;
      const r = await ((trx ?? ctx.db) as DB).updateTable('files')
        .set({ ciphertext: new Uint8Array(0), iv: new Uint8Array(0), auth_tag: new Uint8Array(0), erased_at: new Date() })
        .where('id', '=', id).where('erased_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
