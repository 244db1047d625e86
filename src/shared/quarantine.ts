// Quarantine of uploaded samples. A sample is stored encrypted by the kernel's file store and is
// never opened, unpacked, rendered or attached to a case message (so no generic download route can
// serve it). The only way out is an AES-256 encrypted ZIP made for an analyst with a password.
import { createHash, randomInt } from 'node:crypto';
import { configure, Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';

// Web workers are a browser feature; in Node the library compresses in-process.
configure({ useWebWorkers: false });

export interface Hashes { md5: string; sha1: string; sha256: string; size: number }

export function hashesOf(data: Buffer): Hashes {
  const h = (alg: string) => createHash(alg).update(data).digest('hex');
  return { md5: h('md5'), sha1: h('sha1'), sha256: h('sha256'), size: data.length };
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A password for the archive: 20 characters from an unambiguous alphabet (≈117 bits). */
export function generateArchivePassword(): string {
  let s = '';
  for (let i = 0; i < 20; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export const MIN_PASSWORD_LENGTH = 12;

/**
 * The sample inside an AES-256 (WinZip AE-2) encrypted ZIP. The entry is named by its SHA-256 with
 * a `.bin` suffix so that extracting it never yields a runnable file name; the original name is in
 * a text file next to it.
 */
export async function quarantineArchive(sample: { filename: string; data: Buffer; sha256: string }, password: string): Promise<Buffer> {
  const writer = new ZipWriter(new Uint8ArrayWriter(), { password, encryptionStrength: 3, zipCrypto: false });
  await writer.add(`${sample.sha256}.bin`, new Uint8ArrayReader(new Uint8Array(sample.data)), { password, encryptionStrength: 3 });
  const info = `original-filename: ${sample.filename}\nsha256: ${sample.sha256}\nWARNING: malware sample. Handle only in an isolated analysis environment.\n`;
  await writer.add('README.txt', new Uint8ArrayReader(new TextEncoder().encode(info)), { password, encryptionStrength: 3 });
  return Buffer.from(await writer.close());
}
