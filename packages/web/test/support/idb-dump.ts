/**
 * A raw copy of an origin's storage, as an attacker with the browser profile
 * would get it: every key and value of every IndexedDB database, and every
 * file in the Origin Private File System, flattened to bytes and strings.
 * The page-side functions are serialized by playwright, so they stay
 * self-contained.
 */
import type { Page } from 'playwright-core';

/** Every record of every object store, keys and values, as hex strings of their bytes. */
export interface IdbDump {
  /** hex of each Uint8Array / ArrayBuffer found anywhere in keys or values */
  blobs: string[];
  /** every string found anywhere in keys or values */
  strings: string[];
  records: number;
}

async function dumpInPage(): Promise<IdbDump> {
  const out: IdbDump = { blobs: [], strings: [], records: 0 };
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  const walk = (v: unknown): void => {
    if (v instanceof Uint8Array) out.blobs.push(hex(v));
    else if (v instanceof ArrayBuffer) out.blobs.push(hex(new Uint8Array(v)));
    else if (typeof v === 'string') out.strings.push(v);
    else if (typeof v === 'number') out.strings.push(String(v));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        out.strings.push(k);
        walk(x);
      }
  };
  const req = <T>(r: IDBRequest<T>) =>
    new Promise<T>((res, rej) => {
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
  const walkDir = async (dir: FileSystemDirectoryHandle): Promise<void> => {
    for await (const [name, handle] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
      out.strings.push(name);
      if (handle.kind === 'directory') await walkDir(handle as FileSystemDirectoryHandle);
      else {
        out.blobs.push(
          hex(new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer())),
        );
        out.records += 1;
      }
    }
  };
  if (isSecureContext) await walkDir(await navigator.storage.getDirectory());
  for (const info of await indexedDB.databases()) {
    if (!info.name) continue;
    const db = await req(indexedDB.open(info.name));
    for (const name of Array.from(db.objectStoreNames)) {
      const store = db.transaction(name, 'readonly').objectStore(name);
      const [keys, values] = await Promise.all([req(store.getAllKeys()), req(store.getAll())]);
      walk(keys);
      walk(values);
      out.records += values.length;
    }
    db.close();
  }
  return out;
}

/** Dumps the page origin's IndexedDB and OPFS. */
export function dumpIndexedDb(page: Page): Promise<IdbDump> {
  return page.evaluate(dumpInPage);
}

/** Whether `needle` (UTF-8 text) occurs anywhere in the dump, as a string or inside any byte value. */
export function dumpContains(dump: IdbDump, needle: string): boolean {
  const hexNeedle = Buffer.from(needle, 'utf8').toString('hex');
  return dump.strings.some((s) => s.includes(needle)) || dump.blobs.some((b) => hexContains(b, hexNeedle));
}

/** Whether the given bytes (hex) occur inside any byte value of the dump. */
export function dumpContainsBytes(dump: IdbDump, hexBytes: string): boolean {
  return dump.blobs.some((b) => hexContains(b, hexBytes));
}

function hexContains(haystack: string, needle: string): boolean {
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1))
    if (i % 2 === 0) return true;
  return false;
}

/** The raw stored row of one message: its sealed body, its sealed key and its clear deadline. */
export interface RawMessageRow {
  body: string;
  key: string;
  expiresAt: number | null;
}

/** Reads a message's raw rows straight from IndexedDB (as an attacker with the profile would). */
export function readRawMessage(page: Page, id: string, db = 'tacet-profile-default'): Promise<RawMessageRow> {
  return page.evaluate(
    async ([dbName, messageId]) => {
      const open = indexedDB.open(dbName as string);
      const database = await new Promise<IDBDatabase>((res, rej) => {
        open.onsuccess = () => res(open.result);
        open.onerror = () => rej(open.error);
      });
      const get = (store: string) =>
        new Promise<Record<string, unknown> | undefined>((res, rej) => {
          const r = database
            .transaction(store)
            .objectStore(store)
            .get(messageId as string);
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
        });
      const hex = (b: unknown) =>
        Array.from(b as Uint8Array, (x) => x.toString(16).padStart(2, '0')).join('');
      const row = await get('messages');
      const idbKey = (await get('messageKeys'))?.key;
      database.close();
      let key: unknown = idbKey;
      if (isSecureContext) {
        // OPFS key file: tacet-profile-<name>/<hex of the id's UTF-8>
        const name = hex(new TextEncoder().encode(messageId as string));
        const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(dbName as string);
        key = new Uint8Array(await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer());
      }
      if (!row || !key) throw new Error(`message ${messageId} is not stored`);
      return { body: hex(row.body), key: hex(key), expiresAt: row.expiresAt as number | null };
    },
    [db, id],
  );
}
