import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientError } from '../../src/errors.js';
import { openSqliteStore, STORE_FILE } from '../../src/store/sqlite/open.node.js';
import type { MessageRecord } from '../../src/store/types.js';
import { filesContaining, listFiles } from '../support/scan.js';

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

describe('SqliteStore', () => {
  it('keeps records, messages and outbox across reopen, in order', async () => {
    const dir = tempDir();
    const s = await open(dir);
    await s.apply({
      records: [{ ns: 'contact', key: 'alice', value: new Uint8Array([1, 2, 3]) }],
      putMessages: [message('m1', 'first', null), message('m2', 'second', null)],
      putOutbox: [
        { id: 'o1', recipient: 'peer-1', content: new Uint8Array([9]), createdAt: 5, ttlSeconds: 60 },
      ],
      seen: ['env-1'],
    });
    await s.close();
    const t = await open(dir);
    expect(await t.getRecord('contact', 'alice')).toEqual(new Uint8Array([1, 2, 3]));
    expect(await t.listRecords('contact')).toEqual([{ key: 'alice', value: new Uint8Array([1, 2, 3]) }]);
    expect((await t.listMessages('peer-1', 0)).map((m) => m.body)).toEqual(['first', 'second']);
    expect((await t.listOutbox())[0]?.content).toEqual(new Uint8Array([9]));
    expect(await t.hasSeen('env-1')).toBe(true);
    expect(await t.hasSeen('env-2')).toBe(false);
    await t.apply({ putMessages: [{ ...message('m1', 'first', null), status: 'delivered' }] });
    expect((await t.listMessages('peer-1', 0)).map((m) => [m.id, m.status])).toEqual([
      ['m1', 'delivered'],
      ['m2', 'received'],
    ]);
    await t.close();
  });

  it('rejects a wrong passphrase with a clear error', async () => {
    const dir = tempDir();
    await (await open(dir)).close();
    const err = await open(dir, 'wrong horse').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toBe('WrongPassphrase');
    expect((err as Error).message).toMatch(/wrong passphrase/);
  });

  it('never writes plaintext, names or bodies to disk', async () => {
    const dir = tempDir();
    const s = await open(dir);
    await s.apply({
      records: [
        { ns: 'contact', key: 'zebulon-the-contact', value: new TextEncoder().encode('secret-record-value') },
      ],
      putMessages: [message('m1', 'plaintext-canary-4711', null)],
    });
    await s.close();
    for (const canary of ['zebulon-the-contact', 'secret-record-value', 'plaintext-canary-4711', 'peer-1']) {
      expect(filesContaining([dir], new TextEncoder().encode(canary))).toEqual([]);
    }
  });

  it('shreds an expired message: no plaintext, no sealed body, no key left in any file', async () => {
    const dir = tempDir();
    const s = await open(dir);
    await s.apply({
      putMessages: [message('gone', 'vanishing-canary', 1000), message('kept', 'staying', null)],
    });
    const raw = new Database(join(dir, STORE_FILE), { readonly: true });
    const body = (raw.prepare("SELECT body FROM messages WHERE id = 'gone'").get() as { body: Buffer }).body;
    const key = (raw.prepare("SELECT key FROM message_keys WHERE id = 'gone'").get() as { key: Buffer }).key;
    raw.close();
    expect(await s.nextExpiry()).toBe(1000);
    expect(await s.deleteExpired(999)).toEqual([]);
    expect(await s.deleteExpired(1000)).toEqual(['gone']);
    expect(await s.getMessage('gone')).toBeUndefined();
    expect((await s.listMessages('peer-1', 0)).map((m) => m.id)).toEqual(['kept']);
    expect(listFiles(dir).length).toBeGreaterThan(0);
    for (const needle of [
      body.subarray(12, 40),
      key.subarray(12, 40),
      new TextEncoder().encode('vanishing'),
    ]) {
      expect(filesContaining([dir], needle)).toEqual([]);
    }
    await s.close();
  });

  it('hides expired messages from listing even before the sweep', async () => {
    const s = await open(tempDir());
    await s.apply({ putMessages: [message('a', 'x', 50)] });
    expect(await s.listMessages('peer-1', 49)).toHaveLength(1);
    expect(await s.listMessages('peer-1', 50)).toHaveLength(0);
    await s.close();
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
});
