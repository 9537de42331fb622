/**
 * Opening a profile's SQLite store: creates the file (owner-only) on first
 * use with a fresh data key wrapped under the passphrase, and on later runs
 * unwraps it, failing with ClientError('WrongPassphrase') on a wrong one.
 */
import { scrypt } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from '@noble/hashes/utils.js';
import Database from 'better-sqlite3';
import { ClientError } from '../../errors.js';
import {
  AtRestKeys,
  type KdfParams,
  newKdfParams,
  type PassphraseKdf,
  unwrapDataKey,
  wrapDataKey,
} from '../at-rest.js';
import { nodeAead } from '../node-aead.node.js';
import { SealedStore } from '../sealed-store.js';
import type { ClientStore } from '../types.js';
import { prepareDatabase } from './schema.node.js';
import { SqliteRows } from './sqlite-rows.node.js';

/** The file name of the client database inside a profile directory. */
export const STORE_FILE = 'tacet.db';

/** node:crypto's native scrypt: same function as @noble/hashes', several times faster. */
export const nodeScrypt: PassphraseKdf = (passphrase, p) =>
  new Promise((resolve, reject) => {
    const N = 2 ** p.logN;
    const maxmem = 256 * N * p.r;
    scrypt(passphrase.normalize('NFKC'), p.salt, 32, { N, r: p.r, p: p.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(new Uint8Array(key.buffer, key.byteOffset, key.length)),
    );
  });

export interface OpenSqliteStoreOptions {
  /** Profile directory; created (mode 0700) if missing. */
  readonly dir: string;
  readonly passphrase: string;
  /** scrypt cost for a NEW profile (log2 N); an existing profile keeps its own. */
  readonly logN?: number;
  readonly kdf?: PassphraseKdf;
}

/**
 * @example
 * const store = await openSqliteStore({ dir: '/home/me/.local/share/tacet/alice', passphrase });
 */
export async function openSqliteStore(opts: OpenSqliteStoreOptions): Promise<ClientStore> {
  if (opts.passphrase.length === 0) throw new ClientError('WrongPassphrase', 'the passphrase is empty');
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const file = join(opts.dir, STORE_FILE);
  const fresh = !existsSync(file);
  const db = new Database(file);
  try {
    if (fresh) chmodSync(file, 0o600);
    prepareDatabase(db);
    const kdf = opts.kdf ?? nodeScrypt;
    const dataKey = await loadOrCreateDataKey(db, opts.passphrase, kdf, opts.logN);
    const keys = new AtRestKeys(dataKey, nodeAead);
    dataKey.fill(0);
    return await SealedStore.open(new SqliteRows(db), keys);
  } catch (e) {
    db.close();
    throw e;
  }
}

async function loadOrCreateDataKey(
  db: Database.Database,
  passphrase: string,
  kdf: PassphraseKdf,
  logN: number | undefined,
): Promise<Uint8Array> {
  const get = (name: string) =>
    (db.prepare('SELECT value FROM meta WHERE name = ?').get(name) as { value: Uint8Array } | undefined)
      ?.value;
  const storedParams = get('kdf');
  const wrapped = get('data_key');
  if (storedParams && wrapped) {
    const kek = await kdf(passphrase, decodeParams(storedParams));
    try {
      return unwrapDataKey(kek, wrapped);
    } finally {
      kek.fill(0);
    }
  }
  const params = newKdfParams(logN);
  const kek = await kdf(passphrase, params);
  const dataKey = randomBytes(32);
  const put = db.prepare('INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)');
  db.transaction(() => {
    put.run('kdf', encodeParams(params));
    put.run('data_key', wrapDataKey(kek, dataKey));
  })();
  kek.fill(0);
  return dataKey;
}

function encodeParams(p: KdfParams): Uint8Array {
  const json = JSON.stringify({ ...p, salt: Buffer.from(p.salt).toString('base64') });
  return new TextEncoder().encode(json);
}

function decodeParams(bytes: Uint8Array): KdfParams {
  const v = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  if (v.alg !== 'scrypt' || typeof v.logN !== 'number' || v.logN > 22 || typeof v.salt !== 'string') {
    throw new ClientError('StoreCorrupt', 'the profile has unknown key-derivation parameters');
  }
  return { alg: 'scrypt', logN: v.logN, r: Number(v.r), p: Number(v.p), salt: Buffer.from(v.salt, 'base64') };
}
