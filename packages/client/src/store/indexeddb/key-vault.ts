/**
 * Where the per-message keys live: one small file per message in the
 * Origin Private File System. Deleting a message key unlinks its file, so a
 * copy of the browser profile taken afterwards no longer contains it.
 * IndexedDB cannot promise that: Chromium's LevelDB keeps deleted values in
 * its log until a compaction that a page cannot force, so a sealed key kept
 * there would outlive its message on disk (and open it, given the passphrase).
 * Keys arrive here already sealed under the profile's data key.
 *
 * Where OPFS is missing (some private windows), `IdbKeyVault` keeps the keys
 * in IndexedDB instead: expiry still removes them from every read, but the
 * on-disk guarantee is then only as good as LevelDB's compaction.
 */
import { done, req } from './idb.js';

/** Sealed per-message keys by message id. */
export interface KeyVault {
  get(id: string): Promise<Uint8Array | undefined>;
  put(id: string, sealedKey: Uint8Array): Promise<void>;
  delete(ids: readonly string[]): Promise<void>;
  /** Ids that have a key (to collect orphans left by a crash between two steps). */
  ids(): Promise<string[]>;
  /** Removes every key of the profile. */
  destroy(): Promise<void>;
}

const te = new TextEncoder();
const td = new TextDecoder();

function fileName(id: string): string {
  return Array.from(te.encode(id), (b) => b.toString(16).padStart(2, '0')).join('');
}

function idOf(name: string): string | undefined {
  if (!/^([0-9a-f]{2})+$/.test(name)) return undefined;
  return td.decode(Uint8Array.from(name.match(/../g) ?? [], (h) => Number.parseInt(h, 16)));
}

/** Per-message key files in an OPFS directory. */
export class OpfsKeyVault implements KeyVault {
  readonly #root: FileSystemDirectoryHandle;
  readonly #name: string;
  readonly #dir: FileSystemDirectoryHandle;
  readonly #cache = new Map<string, Uint8Array>();

  private constructor(root: FileSystemDirectoryHandle, name: string, dir: FileSystemDirectoryHandle) {
    this.#root = root;
    this.#name = name;
    this.#dir = dir;
  }

  /** Opens (creating) the directory `name` at the OPFS root; undefined where OPFS is unavailable. */
  static async open(name: string): Promise<OpfsKeyVault | undefined> {
    try {
      const root = await navigator.storage.getDirectory();
      return new OpfsKeyVault(root, name, await root.getDirectoryHandle(name, { create: true }));
    } catch {
      return undefined;
    }
  }

  async get(id: string): Promise<Uint8Array | undefined> {
    const hit = this.#cache.get(id);
    if (hit) return hit;
    try {
      const file = await (await this.#dir.getFileHandle(fileName(id))).getFile();
      const key = new Uint8Array(await file.arrayBuffer());
      this.#cache.set(id, key);
      return key;
    } catch (err) {
      if (err instanceof DOMException && err.name === 'NotFoundError') return undefined;
      throw err;
    }
  }

  async put(id: string, sealedKey: Uint8Array): Promise<void> {
    const writable = await (await this.#dir.getFileHandle(fileName(id), { create: true })).createWritable();
    await writable.write(sealedKey as Uint8Array<ArrayBuffer>);
    await writable.close();
    this.#cache.set(id, sealedKey);
  }

  async delete(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      this.#cache.delete(id);
      await this.#dir.removeEntry(fileName(id)).catch((err: unknown) => {
        if (!(err instanceof DOMException && err.name === 'NotFoundError')) throw err;
      });
    }
  }

  async ids(): Promise<string[]> {
    const out: string[] = [];
    for await (const name of this.#dir.keys()) {
      const id = idOf(name);
      if (id !== undefined) out.push(id);
    }
    return out;
  }

  async destroy(): Promise<void> {
    this.#cache.clear();
    await this.#root.removeEntry(this.#name, { recursive: true });
  }
}

/** Fallback: the keys in the profile database's `messageKeys` object store. */
export class IdbKeyVault implements KeyVault {
  readonly #db: IDBDatabase;

  constructor(db: IDBDatabase) {
    this.#db = db;
  }

  async get(id: string): Promise<Uint8Array | undefined> {
    const row = await req(this.#db.transaction('messageKeys').objectStore('messageKeys').get(id));
    return (row as { key: Uint8Array } | undefined)?.key;
  }

  async put(id: string, sealedKey: Uint8Array): Promise<void> {
    const tx = this.#db.transaction('messageKeys', 'readwrite');
    tx.objectStore('messageKeys').put({ id, key: sealedKey });
    await done(tx);
  }

  async delete(ids: readonly string[]): Promise<void> {
    const tx = this.#db.transaction('messageKeys', 'readwrite');
    for (const id of ids) tx.objectStore('messageKeys').delete(id);
    await done(tx);
  }

  async ids(): Promise<string[]> {
    return (await req(
      this.#db.transaction('messageKeys').objectStore('messageKeys').getAllKeys(),
    )) as string[];
  }

  async destroy(): Promise<void> {
    const tx = this.#db.transaction('messageKeys', 'readwrite');
    tx.objectStore('messageKeys').clear();
    await done(tx);
  }
}
