/** The contract's SQLite harness: profiles in a temp directory, dumps read with better-sqlite3 and from the files. */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore, STORE_FILE } from '../../../src/store/sqlite/open.node.js';
import type { AtRestDump, DumpValue } from './at-rest-dump.js';
import type { StoreHarness, V1Content } from './store-contract.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

function tables(file: string): AtRestDump['tables'] {
  const db = new Database(file, { readonly: true });
  try {
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    const out: AtRestDump['tables'] = {};
    for (const { name } of names) {
      const rows = db.prepare(`SELECT * FROM "${name}"`).raw().all() as DumpValue[][];
      out[name] = rows.map((r) => r.map((v) => (v instanceof Buffer ? new Uint8Array(v) : v)));
    }
    return out;
  } finally {
    db.close();
  }
}

/** A harness whose profiles live under a fresh temp directory; `cleanup` removes it. */
export function sqliteHarness(): StoreHarness & { cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'tacet-store-contract-'));
  const dir = (profile: string) => join(root, profile);
  return {
    open: (profile, passphrase) => openSqliteStore({ dir: dir(profile), passphrase, logN: 14 }),
    async dump(profile) {
      const files: Record<string, Uint8Array> = {};
      for (const f of readdirSync(dir(profile)))
        files[f] = new Uint8Array(readFileSync(join(dir(profile), f)));
      return { tables: tables(join(dir(profile), STORE_FILE)), files };
    },
    async rawMessage(profile, id) {
      const db = new Database(join(dir(profile), STORE_FILE), { readonly: true });
      try {
        const body = (db.prepare('SELECT body FROM messages WHERE id = ?').get(id) as { body: Buffer }).body;
        const key = (db.prepare('SELECT key FROM message_keys WHERE id = ?').get(id) as { key: Buffer }).key;
        return { body: new Uint8Array(body), key: new Uint8Array(key) };
      } finally {
        db.close();
      }
    },
    async restoreV1Fixture(profile) {
      mkdirSync(dir(profile), { recursive: true, mode: 0o700 });
      const file = join(dir(profile), STORE_FILE);
      copyFileSync(join(FIXTURES, 'v1-sqlite-profile.db'), file);
      const db = new Database(file, { readonly: true });
      const seenAt = (db.prepare('SELECT at FROM seen').all() as { at: number }[]).map((r) => r.at);
      db.close();
      const content = JSON.parse(readFileSync(join(FIXTURES, 'v1-content.json'), 'utf8')) as V1Content;
      return { ...content, seenAt };
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
