/**
 * A few promise helpers over IndexedDB, and the database layout. Only ids,
 * HMAC tags, order numbers and deadlines are stored in the clear; every other
 * byte is sealed before it reaches IndexedDB (see indexeddb-store.ts).
 */

/** Object stores of one profile's database. */
export const STORES = ['meta', 'records', 'messages', 'messageKeys', 'outbox', 'seen'] as const;
/** One of the object stores. */
export type StoreName = (typeof STORES)[number];

const VERSION = 1;

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

// 001-init
function migrate(db: IDBDatabase): void {
  db.createObjectStore('meta');
  db.createObjectStore('records', { keyPath: 'tag' }).createIndex('ns', 'ns');
  const messages = db.createObjectStore('messages', { keyPath: 'id' });
  messages.createIndex('conv', ['conv', 'seq']);
  messages.createIndex('seq', 'seq');
  // Rows whose expiresAt is null are not valid keys and stay out of this index.
  messages.createIndex('expiresAt', 'expiresAt');
  db.createObjectStore('messageKeys', { keyPath: 'id' });
  db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
  db.createObjectStore('seen', { keyPath: 'tag' });
}

/** Opens (and on first use creates) the database of one profile. */
export function openDatabase(name: string): Promise<IDBDatabase> {
  const request = indexedDB.open(name, VERSION);
  request.onupgradeneeded = (event) => {
    if (event.oldVersion < 1) migrate(request.result);
  };
  request.onblocked = () => undefined; // another tab holds an older version; open waits for it
  return req(request);
}

/** Hex of some bytes, used as IndexedDB keys for HMAC tags. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
