/**
 * Opening a profile's IndexedDB store: on first use a fresh random data key
 * is wrapped under the passphrase (scrypt, from the client SDK); later the
 * passphrase unwraps it, or fails with ClientError('WrongPassphrase').
 */

import { randomBytes } from '@noble/hashes/utils.js';
import { ClientError } from '../../errors.js';
import {
  AtRestKeys,
  type KdfParams,
  newKdfParams,
  nobleScrypt,
  type PassphraseKdf,
  unwrapDataKey,
  wrapDataKey,
} from '../at-rest.js';
import { SealedStore } from '../sealed-store.js';
import type { ClientStore } from '../types.js';
import { done, openDatabase, req } from './idb.js';
import { IndexedDbRows } from './indexeddb-rows.js';
import { IdbKeyVault, OpfsKeyVault } from './key-vault.js';

/** Prefix of every tacet database name, so a profile list needs no registry. */
export const DB_PREFIX = 'tacet-profile-';

export interface OpenIndexedDbStoreOptions {
  /** Profile name; the database is `tacet-profile-<name>`. */
  readonly profile: string;
  readonly passphrase: string;
  /** scrypt cost for a NEW profile (log2 N); an existing profile keeps its own. */
  readonly logN?: number;
  readonly kdf?: PassphraseKdf;
}

/**
 * @example
 * const store = await openIndexedDbStore({ profile: 'default', passphrase });
 */
export async function openIndexedDbStore(opts: OpenIndexedDbStoreOptions): Promise<ClientStore> {
  if (opts.passphrase.length === 0) throw new ClientError('WrongPassphrase', 'the passphrase is empty');
  const db = await openDatabase(`${DB_PREFIX}${opts.profile}`);
  try {
    const dataKey = await loadOrCreateDataKey(db, opts);
    const keys = new AtRestKeys(dataKey);
    dataKey.fill(0);
    const vault = (await OpfsKeyVault.open(`${DB_PREFIX}${opts.profile}`)) ?? new IdbKeyVault(db);
    const rows = new IndexedDbRows(db, vault);
    await rows.collectOrphans();
    return await SealedStore.open(rows, keys);
  } catch (err) {
    db.close();
    throw err;
  }
}

async function loadOrCreateDataKey(db: IDBDatabase, opts: OpenIndexedDbStoreOptions): Promise<Uint8Array> {
  const kdf = opts.kdf ?? nobleScrypt;
  const meta = db.transaction('meta', 'readonly').objectStore('meta');
  const [params, wrapped] = (await Promise.all([req(meta.get('kdf')), req(meta.get('dataKey'))])) as [
    KdfParams | undefined,
    Uint8Array | undefined,
  ];
  if (params && wrapped) {
    if (params.alg !== 'scrypt' || !(params.salt instanceof Uint8Array)) {
      throw new ClientError('StoreCorrupt', 'the profile has unknown key-derivation parameters');
    }
    const kek = await kdf(opts.passphrase, params);
    try {
      return unwrapDataKey(kek, wrapped);
    } finally {
      kek.fill(0);
    }
  }
  const fresh = newKdfParams(opts.logN);
  const kek = await kdf(opts.passphrase, fresh);
  const dataKey = randomBytes(32);
  const tx = db.transaction('meta', 'readwrite');
  tx.objectStore('meta').put({ ...fresh }, 'kdf');
  tx.objectStore('meta').put(wrapDataKey(kek, dataKey), 'dataKey');
  kek.fill(0);
  await done(tx);
  return dataKey;
}

/** Whether a profile database exists (so the UI can offer "unlock" rather than "register"). */
export async function profileExists(profile: string): Promise<boolean> {
  const dbs = await indexedDB.databases();
  return dbs.some((d) => d.name === `${DB_PREFIX}${profile}`);
}

/** Deletes a profile entirely: its database and its message keys. */
export async function deleteProfile(profile: string): Promise<void> {
  await (await OpfsKeyVault.open(`${DB_PREFIX}${profile}`))?.destroy();
  await req(indexedDB.deleteDatabase(`${DB_PREFIX}${profile}`));
}
