// All configuration comes from environment variables, validated once at start.
// Every variable is optional: the defaults give the embedded (PGlite) platform under ./var.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  /** postgres://… for a PostgreSQL server; undefined means embedded PGlite under dataDir/db. */
  databaseUrl?: string;
  dataDir: string;
  /** Public base URL used in mails and links. */
  baseUrl: string;
  /** 32-byte key for AES-256-GCM attachment encryption. */
  fileKey: Buffer;
  /** Secret for CSRF tokens and tracking-link HMACs. */
  secret: Buffer;
  smtpUrl?: string;
  mailFrom: string;
  mailDir: string;
  maxAttachmentBytes: number;
  maxAttachmentsPerMessage: number;
  publicFormRateLimit: number;
  loginMaxFailures: number;
  logLevel: string;
  /** Skip background workers (tests that drive jobs by hand). */
  jobsEnabled: boolean;
  secureCookies: boolean;
  /** Proxy addresses whose X-Forwarded-For is trusted (comma-separated IPs/CIDRs, or true for any). */
  trustProxy: boolean | string;
  /** Byte budget of the in-process cache of public GET responses (http/response-cache.ts). */
  responseCacheBytes: number;
  /** Fill that cache in the background at start (modules decide what; default: when jobs run). */
  responseCacheWarm: boolean;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, def: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer ≥ ${min} (got "${raw}")`);
  return n;
}

/** Reads a 32-byte key from hex/base64 env, or from (creating if absent) a key file under dataDir. */
function keyFrom(env: NodeJS.ProcessEnv, name: string, file: string): Buffer {
  const raw = env[name];
  if (raw) {
    const buf = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
    if (buf.length !== 32) throw new ConfigError(`${name} must be 32 bytes as 64 hex digits or base64`);
    return buf;
  }
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600 });
  return key;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const dataDir = resolve(overrides.dataDir ?? env.MAMORI_DATA_DIR ?? 'var');
  const port = overrides.port ?? int(env, 'PORT', 3000);
  const cfg: Config = {
    port,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    baseUrl: (env.MAMORI_BASE_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    fileKey: keyFrom(env, 'MAMORI_FILE_KEY', join(dataDir, 'keys', 'file.key')),
    secret: keyFrom(env, 'MAMORI_SECRET', join(dataDir, 'keys', 'secret.key')),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'Mamori <no-reply@mamori.example.jp>',
    mailDir: resolve(env.MAIL_DIR ?? join(dataDir, 'mail')),
    maxAttachmentBytes: int(env, 'MAX_ATTACHMENT_BYTES', 10 * 1024 * 1024, 1),
    maxAttachmentsPerMessage: int(env, 'MAX_ATTACHMENTS', 5, 0),
    publicFormRateLimit: int(env, 'PUBLIC_FORM_RATE_LIMIT', 20, 1),
    loginMaxFailures: int(env, 'LOGIN_MAX_FAILURES', 5, 1),
    logLevel: env.LOG_LEVEL ?? 'info',
    jobsEnabled: env.MAMORI_JOBS !== 'off',
    secureCookies: env.MAMORI_SECURE_COOKIES === '1',
    trustProxy: env.MAMORI_TRUST_PROXY === 'true' ? true : env.MAMORI_TRUST_PROXY || false,
    responseCacheBytes: int(env, 'RESPONSE_CACHE_MB', 1024, 0) * 1024 * 1024,
    responseCacheWarm: env.RESPONSE_CACHE_WARM ? env.RESPONSE_CACHE_WARM !== 'off' : (overrides.jobsEnabled ?? env.MAMORI_JOBS !== 'off'),
    ...overrides,
  };
  if (cfg.databaseUrl && !/^postgres(ql)?:\/\//.test(cfg.databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  return cfg;
}
