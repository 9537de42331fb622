import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientError } from '../../src/errors.js';
import { openSqliteStore, STORE_FILE } from '../../src/store/sqlite/open.node.js';
import { shredExpired } from '../../src/store/sqlite/sqlite-rows.node.js';
import type { MessageRecord } from '../../src/store/types.js';
import { filesContaining } from '../support/scan.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tacet-store-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const open = (dir: string, passphrase = 'correct horse') => openSqliteStore({ dir, passphrase, logN: 14 });

function message(id: string, body: string, expiresAt: number | null): Omit<MessageRecord, 'seq'> {
  return {
    id,
    conversationId: 'peer-1',
    direction: 'in',
    kind: 'text',
    body,
    sentAt: 1,
    receivedAt: 2,
    timerSeconds: 30,
    expiresAt,
    status: 'received',
  };
}

/** What only the SQLite adapter has (the shared behaviour is in contract/). */
describe('SQLite adapter', () => {
  it('lets a reaper shred expired messages without the passphrase', async () => {
    const dir = tempDir();
    const s = await open(dir);
    await s.apply({
      putMessages: [message('gone', 'vanishing-canary', 1000), message('kept', 'staying', null)],
    });
    await s.close();
    const raw = new Database(join(dir, STORE_FILE));
    raw.pragma('secure_delete = ON');
    expect(shredExpired(raw, 1000)).toEqual(['gone']);
    raw.close();
    const t = await open(dir);
    expect((await t.listMessages('peer-1', 0)).map((m) => m.id)).toEqual(['kept']);
    await t.close();
    expect(filesContaining([dir], new TextEncoder().encode('gone'))).toEqual([]);
  });

  it('refuses a profile written by a newer tacet', async () => {
    const dir = tempDir();
    await (await open(dir)).close();
    const raw = new Database(join(dir, STORE_FILE));
    raw.pragma('user_version = 99');
    raw.close();
    const err = await open(dir).catch((e: unknown) => e);
    expect((err as ClientError).code).toBe('StoreCorrupt');
    expect((err as Error).message).toMatch(/newer tacet/);
  });
});

describe('AES-GCM backends', () => {
  it('node:crypto and @noble/ciphers open each other’s rows and reject tampering', async () => {
    const { nobleAead } = await import('../../src/store/at-rest.js');
    const { nodeAead } = await import('../../src/store/node-aead.node.js');
    const key = new Uint8Array(32).fill(9);
    const aad = new TextEncoder().encode('row-1');
    const pt = new TextEncoder().encode('both ways');
    expect(nobleAead.open(key, nodeAead.seal(key, pt, aad), aad)).toEqual(pt);
    const sealed = nobleAead.seal(key, pt, aad);
    expect(nodeAead.open(key, sealed, aad)).toEqual(pt);
    for (const i of [0, 12, sealed.length - 1]) {
      const bad = sealed.slice();
      bad[i] = (bad[i] as number) ^ 1;
      expect(() => nodeAead.open(key, bad, aad)).toThrow(ClientError);
    }
    expect(() => nodeAead.open(key, sealed, new TextEncoder().encode('row-2'))).toThrow(ClientError);
  });

  it('node:crypto never repeats a nonce, across refills of its pool', async () => {
    const { nodeAead } = await import('../../src/store/node-aead.node.js');
    const key = new Uint8Array(32).fill(3);
    const aad = new Uint8Array(0);
    const nonces = new Set<string>();
    // 4 KiB per refill of the pool the nonces come from: three refills.
    for (let i = 0; i < 1100; i++) {
      const sealed = nodeAead.seal(key, new Uint8Array([i & 255]), aad);
      nonces.add(Buffer.from(sealed.subarray(0, 12)).toString('hex'));
      expect(nodeAead.open(key, sealed, aad)).toEqual(new Uint8Array([i & 255]));
    }
    expect(nonces.size).toBe(1100);
  });
});
