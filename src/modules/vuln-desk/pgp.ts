// The desk's OpenPGP key (openpgp.js): generated once, kept in the module's table with the private
// key protected by a passphrase derived from the platform secret, published at
// /.well-known/pgp-key.asc. Reporters may encrypt their report to it.
import * as openpgp from 'openpgp';
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/http/errors.js';

export interface DeskKey { publicArmored: string; fingerprint: string; privateKey: openpgp.PrivateKey }

function passphrase(ctx: AppContext): string {
  return createHmac('sha256', ctx.config.secret).update('vuln-desk-pgp').digest('base64url');
}

let cached: { ctx: AppContext; key: Promise<DeskKey> } | undefined;

export function deskKey(ctx: AppContext): Promise<DeskKey> {
  if (cached?.ctx === ctx) return cached.key;
  const key = loadOrCreate(ctx);
  cached = { ctx, key };
  key.catch(() => { if (cached?.key === key) cached = undefined; });
  return key;
}

async function loadOrCreate(ctx: AppContext): Promise<DeskKey> {
  const pass = passphrase(ctx);
  let row = await ctx.db.selectFrom('vuln_desk_keys').selectAll().where('id', '=', 'desk').executeTakeFirst();
  if (!row) {
    const { privateKey, publicKey } = await openpgp.generateKey({
      type: 'ecc', curve: 'curve25519Legacy',
      userIDs: [{ name: 'Mamori Vulnerability Report Desk / 脆弱性関連情報届出受付窓口', email: 'vuln-report@mamori.example.jp' }],
      passphrase: pass, format: 'armored',
    });
    // Two starters racing: the first insert wins and both read it back.
    await sql`insert into vuln_desk_keys (id, public_armored, private_armored) values ('desk', ${publicKey}, ${privateKey}) on conflict (id) do nothing`.execute(ctx.db);
    row = await ctx.db.selectFrom('vuln_desk_keys').selectAll().where('id', '=', 'desk').executeTakeFirstOrThrow();
  }
  const privateKey = await openpgp.decryptKey({ privateKey: await openpgp.readPrivateKey({ armoredKey: row.private_armored }), passphrase: pass });
  return { publicArmored: row.public_armored, fingerprint: privateKey.getFingerprint().toUpperCase(), privateKey };
}

const BAD_PGP = (why: string) => new AppError(422, 'pgp_undecryptable', {
  ja: `暗号化された届出内容を復号できません（${why}）。窓口の公開鍵（/.well-known/pgp-key.asc）で暗号化した ASCII 形式のメッセージを送ってください。`,
  en: `The encrypted report cannot be decrypted (${why}). Send an ASCII-armoured message encrypted to the desk's public key (/.well-known/pgp-key.asc).`,
}, [{ field: 'pgpMessage', message: { ja: '復号できません。', en: 'Cannot be decrypted.' } }]);

/** Decrypts an ASCII-armoured message addressed to the desk; refuses anything else with 422. */
export async function decryptForDesk(ctx: AppContext, armored: string): Promise<string> {
  if (armored.length > 2_000_000) throw BAD_PGP('too large');
  if (!armored.includes('-----BEGIN PGP MESSAGE-----')) throw BAD_PGP('not an armoured PGP message');
  const key = await deskKey(ctx);
  let message;
  try { message = await openpgp.readMessage({ armoredMessage: armored }); } catch { throw BAD_PGP('malformed'); }
  try {
    const { data } = await openpgp.decrypt({ message, decryptionKeys: key.privateKey, format: 'utf8' });
    return String(data);
  } catch {
    throw BAD_PGP('not encrypted to this desk key');
  }
}
