/**
 * Promise helpers over IndexedDB, and the database layout of one profile.
 * In the clear sit only ids, HMAC tags and the deadlines of unexpired
 * messages; every other byte is sealed before it reaches IndexedDB
 * (../sealed-store.ts).
 *
 * Version 1 (v1 format) kept a clear order number per message and outbox
 * item, and a `seen` store with a clear receive time per id. Version 2
 * drops those indexes and the `seen` store while the database opens (no key
 * is needed for that: the v1 tags are parked in `meta`); the sealed rows are
 * then re-encoded by the upgrade in ../legacy-upgrade.ts, which needs the
 * data key, and `meta.format` says it is done.
 */

/** Object stores of one profile's database. */
export const STORES = ['meta', 'records', 'messages', 'messageKeys', 'outbox'] as const;
/** One of the object stores. */
export type StoreName = (typeof STORES)[number];

const VERSION = 2;
/** `meta` key: 2 once the sealed rows are in the v2 codec. */
export const FORMAT_KEY = 'format';
/** `meta` key: v1 de-duplication tags (hex, oldest first) waiting for the keyed upgrade. */
export const LEGACY_SEEN_KEY = 'legacySeen';

/** Resolves with a request's result; rejects with its error. */
export function req<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Resolves when a transaction commits; rejects if it aborts. */
export function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

function createV2(db: IDBDatabase): void {
  db.createObjectStore('meta').put(2, FORMAT_KEY);
  db.createObjectStore('records', { keyPath: 'tag' }).createIndex('ns', 'ns');
  const messages = db.createObjectStore('messages', { keyPath: 'id' });
  messages.createIndex('conv', 'conv');
  // Rows whose expiresAt is null are not valid keys and stay out of this index.
  messages.createIndex('expiresAt', 'expiresAt');
  db.createObjectStore('messageKeys', { keyPath: 'id' });
  db.createObjectStore('outbox', { keyPath: 'id' });
}

/** v1 → v2, keyless part: order indexes go, the timed `seen` store goes (its tags wait in meta). */
function dropV1Clear(db: IDBDatabase, tx: IDBTransaction): void {
  const messages = tx.objectStore('messages');
  messages.deleteIndex('seq');
  messages.deleteIndex('conv');
  messages.createIndex('conv', 'conv');
  tx.objectStore('outbox').deleteIndex('createdAt');
  const seen = tx.objectStore('seen').getAll();
  seen.onsuccess = () => {
    const rows = (seen.result as { tag: string; at: number }[]).sort((a, b) => a.at - b.at);
    tx.objectStore('meta').put(
      rows.map((r) => r.tag),
      LEGACY_SEEN_KEY,
    );
    db.deleteObjectStore('seen');
  };
}

/** Opens (and on first use creates) the database of one profile. */
export function openDatabase(name: string): Promise<IDBDatabase> {
  const request = indexedDB.open(name, VERSION);
  request.onupgradeneeded = (event) => {
    const tx = request.transaction as IDBTransaction;
    if (event.oldVersion < 1) createV2(request.result);
    else if (event.oldVersion < 2) dropV1Clear(request.result, tx);
  };
  request.onblocked = () => undefined; // another tab holds an older version; open waits for it
  return req(request);
}

/** Hex of some bytes, used as IndexedDB keys for HMAC tags. */
export function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function unhex(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}
