// Attachment store, encrypted at rest with AES-256-GCM.
import type { Executor } from '../context.js';

export interface StoredFile {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: Date;
}

export interface FileStore {
  /** Validates size/name, encrypts and stores; inside `trx` so it commits with the owning record. */
  put(input: { filename: string; contentType: string; data: Buffer }, trx?: Executor): Promise<StoredFile>;
  meta(id: string): Promise<StoredFile | undefined>;
  /** Decrypts (verifying the GCM tag). Throws if the ciphertext was tampered with. */
  read(id: string): Promise<{ file: StoredFile; data: Buffer } | undefined>;
  /** Erases the content for good (retention); metadata and hash stay, read() then finds nothing. */
  erase(id: string, trx?: Executor): Promise<boolean>;
}
