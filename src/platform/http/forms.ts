// Normalises url-encoded and multipart bodies into fields and buffered files, so that handlers
// validate one shape whichever way the browser sent the form.
import type { FastifyRequest } from 'fastify';

export interface UploadedFile { field: string; filename: string; contentType: string; data: Buffer }
export interface FormData { fields: Record<string, string | string[]>; files: UploadedFile[] }

interface MultipartValue { type?: string; value?: unknown; fieldname?: string; filename?: string; mimetype?: string; _buf?: Buffer }

export function readForm(req: FastifyRequest): FormData {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const fields: FormData['fields'] = {};
  const files: UploadedFile[] = [];
  for (const [key, raw] of Object.entries(body)) {
    const items = Array.isArray(raw) ? raw : [raw];
    for (const item of items) {
      if (item && typeof item === 'object' && 'type' in (item as object)) {
        const part = item as MultipartValue;
        if (part.type === 'file') {
          if (part.filename && part._buf && part._buf.length > 0) {
            files.push({ field: key, filename: part.filename, contentType: part.mimetype ?? 'application/octet-stream', data: part._buf });
          }
          continue;
        }
        addField(fields, key, String(part.value ?? ''));
      } else if (item !== undefined && item !== null) {
        addField(fields, key, String(item));
      }
    }
  }
  return { fields, files };
}

function addField(fields: FormData['fields'], key: string, value: string) {
  const prev = fields[key];
  if (prev === undefined) fields[key] = value;
  else fields[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
}

export function field(form: FormData, name: string): string {
  const v = form.fields[name];
  return (Array.isArray(v) ? v[0] : v ?? '').trim();
}

export function fieldList(form: FormData, name: string): string[] {
  const v = form.fields[name];
  return (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter(Boolean);
}
