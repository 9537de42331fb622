/**
 * Browser side of the IndexedDB contract run: bundled (Vite) into a page of a
 * throwaway origin in real Chromium, it runs a case of store-contract.ts
 * against the real adapter and reports back (`runContractCase`). The
 * harness reads the origin's storage the way a copy of the browser profile
 * shows it: every object store's rows and every OPFS file.
 */
import { DB_PREFIX, openIndexedDbStore } from '../../../src/store/indexeddb/index.js';
import type { AtRestDump, DumpValue } from './at-rest-dump.js';
import { type StoreHarness, storeContract, type V1Content } from './store-contract.js';

/** A v1 profile as captured by fixtures (one database, OPFS files by directory). */
export interface IdbFixture {
  databases: Array<{
    name: string;
    version: number;
    stores: Array<{
      name: string;
      keyPath: string | string[] | null;
      autoIncrement: boolean;
      indexes: Array<{ name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }>;
      records: Array<{ key: unknown; value: unknown }>;
    }>;
  }>;
  opfs: Record<string, Record<string, string>>;
}

const req = <T>(r: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

function unhex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}

/** Undoes the fixture's JSON spelling of bytes ({ $bytes: hex }). */
function revive(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(revive);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$bytes === 'string') return unhex(o.$bytes);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, revive(x)]));
  }
  return v;
}

function flatten(v: unknown, out: DumpValue[]): DumpValue[] {
  if (v instanceof Uint8Array) out.push(v);
  else if (v instanceof ArrayBuffer) out.push(new Uint8Array(v));
  else if (typeof v === 'string' || typeof v === 'number') out.push(v);
  else if (v === null || v === undefined) out.push(null);
  else if (Array.isArray(v)) for (const x of v) flatten(x, out);
  else if (typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      flatten(x, out);
    }
  return out;
}

async function keyDir(profile: string, create = false): Promise<FileSystemDirectoryHandle | undefined> {
  if (!isSecureContext) return undefined;
  try {
    return await (await navigator.storage.getDirectory()).getDirectoryHandle(`${DB_PREFIX}${profile}`, {
      create,
    });
  } catch {
    return undefined;
  }
}

async function dump(profile: string): Promise<AtRestDump> {
  const db = await req(indexedDB.open(`${DB_PREFIX}${profile}`));
  const tables: AtRestDump['tables'] = {};
  for (const name of Array.from(db.objectStoreNames)) {
    const store = db.transaction(name, 'readonly').objectStore(name);
    const [keys, values] = await Promise.all([req(store.getAllKeys()), req(store.getAll())]);
    tables[name] = values.map((v, i) => flatten([keys[i], v], []));
  }
  db.close();
  const files: Record<string, Uint8Array> = {};
  const dir = await keyDir(profile);
  if (dir)
    for await (const [name, handle] of dir as unknown as AsyncIterable<[string, FileSystemFileHandle]>)
      files[name] = new Uint8Array(await (await handle.getFile()).arrayBuffer());
  return { tables, files };
}

async function rawMessage(profile: string, id: string): Promise<{ body: Uint8Array; key: Uint8Array }> {
  const db = await req(indexedDB.open(`${DB_PREFIX}${profile}`));
  const get = (store: string) =>
    req(db.transaction(store).objectStore(store).get(id)) as Promise<Record<string, unknown> | undefined>;
  const row = await get('messages');
  let key = (await get('messageKeys'))?.key as Uint8Array | undefined;
  db.close();
  const dir = await keyDir(profile);
  if (dir) {
    const name = Array.from(new TextEncoder().encode(id), (b) => b.toString(16).padStart(2, '0')).join('');
    key = new Uint8Array(await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer());
  }
  if (!row || !key) throw new Error(`message ${id} is not stored`);
  return { body: row.body as Uint8Array, key };
}

/** Recreates the captured v1 database (same stores, indexes, rows) and key files under `profile`. */
async function restore(profile: string, fx: IdbFixture): Promise<void> {
  const [source] = fx.databases;
  if (!source) throw new Error('empty fixture');
  const open = indexedDB.open(`${DB_PREFIX}${profile}`, source.version);
  open.onupgradeneeded = () => {
    for (const s of source.stores) {
      const store = open.result.createObjectStore(s.name, {
        keyPath: s.keyPath,
        autoIncrement: s.autoIncrement,
      });
      for (const ix of s.indexes)
        store.createIndex(ix.name, ix.keyPath, { unique: ix.unique, multiEntry: ix.multiEntry });
    }
  };
  const db = await req(open);
  const tx = db.transaction(
    source.stores.map((s) => s.name),
    'readwrite',
  );
  for (const s of source.stores)
    for (const r of s.records) {
      if (s.keyPath === null) tx.objectStore(s.name).put(revive(r.value), revive(r.key) as IDBValidKey);
      else tx.objectStore(s.name).put(revive(r.value));
    }
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error);
  });
  db.close();
  const files = Object.values(fx.opfs)[0] ?? {};
  const dir = await keyDir(profile, true);
  for (const [name, hex] of Object.entries(files)) {
    if (!dir) throw new Error('an OPFS fixture needs a secure origin');
    const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
    await w.write(unhex(hex) as Uint8Array<ArrayBuffer>);
    await w.close();
  }
}

function harness(fixture: { fx: IdbFixture; content: Omit<V1Content, 'seenAt'> }): StoreHarness {
  return {
    open: (profile, passphrase) => openIndexedDbStore({ profile, passphrase, logN: 14 }),
    dump,
    rawMessage,
    async restoreV1Fixture(profile) {
      await restore(profile, fixture.fx);
      const seen = fixture.fx.databases[0]?.stores.find((s) => s.name === 'seen')?.records ?? [];
      return { ...fixture.content, seenAt: seen.map((r) => (r.value as { at: number }).at) };
    },
  };
}

/** Runs one contract case; resolves with its error message, or null when it passed. */
async function runContractCase(name: string, fixture: Parameters<typeof harness>[0]): Promise<string | null> {
  const run = storeContract[name];
  if (!run) return `no contract case "${name}"`;
  try {
    await run(harness(fixture));
    return null;
  } catch (e) {
    return e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
  }
}

Object.assign(globalThis, { runContractCase });
