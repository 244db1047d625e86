// Transactional outbox delivered by a background job.
import type { Executor } from '../context.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Optional dedupe key: enqueueing the same key twice stores one message. */
  key?: string;
}

export interface Mailer {
  /** Stores the message in the outbox inside the caller's transaction; nothing is sent before commit. */
  enqueue(mail: OutgoingMail, trx?: Executor): Promise<string>;
  /** Delivers due messages (called by the job worker; tests call it directly). Returns how many were sent. */
  deliverPending(): Promise<number>;
  close(): Promise<void>;
}
