import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import Fastify from 'fastify';
import { randomBytes } from 'node:crypto';
import { BACKENDS, startKernelContext, type KernelTestContext } from '../../../test/kernel-context.js';
import { AppError } from '../http/errors.js';
import { sanitizeFilename } from './file-store.js';
import { contentDisposition, sendAttachment } from './download.js';

describe('sanitizeFilename', () => {
  it('keeps only the last path component and strips control and bidi characters', () => {
    expect(sanitizeFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFilename('C:\\Users\\x\\報告書.pdf')).toBe('報告書.pdf');
    expect(sanitizeFilename('a\r\nb\u0000c.txt')).toBe('abc.txt');
    expect(sanitizeFilename('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(sanitizeFilename('...hidden')).toBe('hidden');
    expect(sanitizeFilename('')).toBe('attachment');
    expect(sanitizeFilename('/')).toBe('attachment');
  });
  it('limits the length but keeps the extension', () => {
    const s = sanitizeFilename('あ'.repeat(500) + '.docx');
    expect([...s].length).toBe(180);
    expect(s.endsWith('.docx')).toBe(true);
  });
});

describe('download headers', () => {
  it('always sends attachments as sandboxed octet-stream with an RFC 8187 filename', async () => {
    const app = Fastify();
    app.get('/d', (_req, reply) => sendAttachment(reply, { filename: '脆弱性 "報告"(1).html' }, Buffer.from('<script>alert(1)</script>')));
    const res = await app.inject({ method: 'GET', url: '/d' });
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="___ ____(1).html"; filename*=UTF-8''${encodeURIComponent('脆弱性 "報告"').replace(/'/g, '%27')}%281%29.html`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe("sandbox; default-src 'none'");
    expect(res.body).toBe('<script>alert(1)</script>');
    await app.close();
  });
  it('encodes characters that could break the header', () => {
    expect(contentDisposition("a'b;c\r\n.txt")).toBe(`attachment; filename="a'b_c__.txt"; filename*=UTF-8''a%27b%3Bc%0D%0A.txt`);
  });
});

describe.each(BACKENDS)('file store on %s', (backend) => {
  let k: KernelTestContext;
  beforeAll(async () => { k = await startKernelContext(backend, { config: { maxAttachmentBytes: 64 * 1024 } }); });
  afterAll(async () => { await k?.destroy(); });

  it('encrypts at rest and round-trips', async () => {
    const data = randomBytes(5000);
    const f = await k.ctx.files.put({ filename: 'dir/レポート.bin', contentType: 'Application/PDF; charset=x', data });
    expect(f).toMatchObject({ filename: 'レポート.bin', contentType: 'application/pdf', size: 5000 });
    expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    const raw = (await sql<{ ciphertext: Uint8Array; iv: Uint8Array }>`select ciphertext, iv from files where id = ${f.id}`.execute(k.ctx.db)).rows[0];
    expect(Buffer.from(raw.ciphertext).equals(data)).toBe(false);
    expect(raw.iv.length).toBe(12);
    const back = await k.ctx.files.read(f.id);
    expect(back!.data.equals(data)).toBe(true);
    expect(back!.file).toEqual(f);
    expect(await k.ctx.files.meta(f.id)).toEqual(f);
    expect(await k.ctx.files.read('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(await k.ctx.files.read('not-a-uuid')).toBeUndefined();
  });

  it('erases content for good but keeps the metadata and hash', async () => {
    const f = await k.ctx.files.put({ filename: 'sample.eml', contentType: 'message/rfc822', data: Buffer.from('From: a@example.jp\r\n\r\nsecret') });
    expect(await k.ctx.files.erase(f.id)).toBe(true);
    expect(await k.ctx.files.erase(f.id)).toBe(false);
    expect(await k.ctx.files.read(f.id)).toBeUndefined();
    expect(await k.ctx.files.meta(f.id)).toMatchObject({ sha256: f.sha256, size: f.size });
    const raw = (await sql<{ ciphertext: Uint8Array }>`select ciphertext from files where id = ${f.id}`.execute(k.ctx.db)).rows[0];
    expect(raw.ciphertext.length).toBe(0);
  });

  it('keeps unknown content types out', async () => {
    const f = await k.ctx.files.put({ filename: 'x', contentType: 'text/html\r\nX-Evil: 1', data: Buffer.from('x') });
    expect(f.contentType).toBe('application/octet-stream');
  });

  it('rejects empty and oversized files', async () => {
    await expect(k.ctx.files.put({ filename: 'e.txt', contentType: 'text/plain', data: Buffer.alloc(0) })).rejects.toMatchObject({ status: 400, code: 'file_empty' });
    const err = await k.ctx.files.put({ filename: 'big', contentType: 'x/y', data: Buffer.alloc(64 * 1024 + 1) }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 413, code: 'file_too_large' });
    expect(err.text.ja).toContain('64 KB');
    expect(await k.ctx.files.put({ filename: 'max', contentType: 'x/y', data: Buffer.alloc(64 * 1024, 1) })).toMatchObject({ size: 65536 });
  });

  it('commits and rolls back with the owning record', async () => {
    let id = '';
    await expect(k.ctx.db.transaction().execute(async (trx) => {
      id = (await k.ctx.files.put({ filename: 'a.txt', contentType: 'text/plain', data: Buffer.from('hello') }, trx)).id;
      throw new Error('rollback');
    })).rejects.toThrow('rollback');
    expect(await k.ctx.files.meta(id)).toBeUndefined();
  });

  it('refuses tampered ciphertext, tags and ciphertext moved to another file id', async () => {
    const a = await k.ctx.files.put({ filename: 'a.txt', contentType: 'text/plain', data: Buffer.from('secret report A') });
    const b = await k.ctx.files.put({ filename: 'b.txt', contentType: 'text/plain', data: Buffer.from('secret report B') });
    const row = (await sql<{ ciphertext: Uint8Array }>`select ciphertext from files where id = ${a.id}`.execute(k.ctx.db)).rows[0];
    const flipped = Buffer.from(row.ciphertext);
    flipped[3] ^= 0x01;
    await sql`update files set ciphertext = ${flipped} where id = ${a.id}`.execute(k.ctx.db);
    await expect(k.ctx.files.read(a.id)).rejects.toThrow();
    // Ciphertext, IV and tag of B copied onto A: authenticated against A's id, so it fails.
    await sql`update files set ciphertext = src.ciphertext, iv = src.iv, auth_tag = src.auth_tag
      from files src where files.id = ${a.id} and src.id = ${b.id}`.execute(k.ctx.db);
    await expect(k.ctx.files.read(a.id)).rejects.toThrow();
    // A truncated tag is not accepted either.
    await sql`update files set auth_tag = substring(auth_tag from 1 for 4) where id = ${b.id}`.execute(k.ctx.db);
    await expect(k.ctx.files.read(b.id)).rejects.toThrow();
  });
});
