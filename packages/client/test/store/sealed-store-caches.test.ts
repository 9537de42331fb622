/**
 * The sealed store's in-memory copies (records, recent messages, outbox)
 * after a commit that fails: every read afterwards gives what is on disk,
 * never the batch that did not land. The commit is made to fail in the
 * adapter, below the store, as a full disk or an I/O error would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AtRestKeys } from '../../src/store/at-rest.js';
import { nodeAead } from '../../src/store/node-aead.node.js';
import type { RowChanges } from '../../src/store/rows.js';
import { SealedStore } from '../../src/store/sealed-store.js';
import { prepareDatabase } from '../../src/store/sqlite/schema.node.js';
import { SqliteRows } from '../../src/store/sqlite/sqlite-rows.node.js';
import type { MessageRecord, OutboxItem } from '../../src/store/types.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** SQLite rows whose next write throws: before committing (`fail`), or after (`failAfterCommit`, e.g. the WAL truncation). */
class FailingRows extends SqliteRows {
  failNext: 'fail' | 'failAfterCommit' | undefined;
  override async write(c: RowChanges): Promise<void> {
    const mode = this.failNext;
    this.failNext = undefined;
    if (mode === 'fail') throw new Error('disk full');
    await super.write(c);
    if (mode === 'failAfterCommit') throw new Error('I/O error');
  }
}

async function openStore() {
  const dir = mkdtempSync(join(tmpdir(), 'tacet-sealed-'));
  dirs.push(dir);
  const db = new Database(join(dir, 'x.db'));
  prepareDatabase(db);
  const rows = new FailingRows(db);
  const store = await SealedStore.open(rows, new AtRestKeys(new Uint8Array(32).fill(4), nodeAead));
  return { rows, store };
}

const message = (id: string, body: string): Omit<MessageRecord, 'seq'> => ({
  id,
  conversationId: 'peer',
  direction: 'out',
  kind: 'text',
  body,
  sentAt: 1,
  receivedAt: 1,
  timerSeconds: 0,
  expiresAt: null,
  status: 'pending',
});

const item = (id: string, b: number): OutboxItem => ({
  id,
  recipient: 'peer',
  content: new Uint8Array([b]),
  createdAt: 1,
  ttlSeconds: 0,
});

/** A store with one record, message and outbox item committed, each read once so every in-memory copy is warm. */
async function warmStore() {
  const opened = await openStore();
  const { store } = opened;
  await store.apply({
    records: [{ ns: 'contact', key: 'p', value: new Uint8Array([1]) }],
    putMessages: [message('m', 'one')],
    putOutbox: [item('o1', 1)],
  });
  expect(await store.getRecord('contact', 'p')).toEqual(new Uint8Array([1]));
  expect((await store.getMessage('m'))?.body).toBe('one');
  expect((await store.listOutbox()).map((o) => o.id)).toEqual(['o1']);
  return opened;
}

describe('sealed store caches after a failed commit', () => {
  it('read what is on disk, not the batch that failed', async () => {
    const { rows, store } = await warmStore();

    rows.failNext = 'fail';
    await expect(
      store.apply({
        records: [{ ns: 'contact', key: 'p', value: new Uint8Array([2]) }],
        putMessages: [{ ...message('m', 'two'), status: 'sent' }, message('n', 'new')],
        putOutbox: [item('o2', 2), item('o1', 9)],
        deleteOutbox: [],
      }),
    ).rejects.toThrow('disk full');

    expect(await store.getRecord('contact', 'p')).toEqual(new Uint8Array([1]));
    expect((await store.getMessage('m'))?.body).toBe('one');
    expect(await store.getMessage('n')).toBeUndefined();
    expect((await store.listOutbox()).map((o) => [o.id, o.content[0]])).toEqual([['o1', 1]]);

    // And the next commit that lands is seen whole.
    await store.apply({
      putOutbox: [item('o2', 2)],
      deleteOutbox: ['o1'],
      putMessages: [message('n', 'new')],
    });
    expect((await store.listOutbox()).map((o) => o.id)).toEqual(['o2']);
    expect((await store.getMessage('n'))?.body).toBe('new');
    await store.close();
  });

  it('read what is on disk when a commit threw after landing', async () => {
    const { rows, store } = await warmStore();

    rows.failNext = 'failAfterCommit';
    await expect(
      store.apply({
        records: [{ ns: 'contact', key: 'p', value: new Uint8Array([2]) }],
        putMessages: [{ ...message('m', 'two'), status: 'sent' }],
        putOutbox: [item('o2', 2), item('o1', 9)],
      }),
    ).rejects.toThrow('I/O error');

    expect(await store.getRecord('contact', 'p')).toEqual(new Uint8Array([2]));
    expect((await store.getMessage('m'))?.body).toBe('two');
    expect((await store.listOutbox()).map((o) => [o.id, o.content[0]])).toEqual([
      ['o1', 9],
      ['o2', 2],
    ]);
    await store.close();
  });

  it('gives later messages new order numbers when a commit threw after landing', async () => {
    const { rows, store } = await openStore();
    await store.apply({ putMessages: [message('m', 'one')] });
    rows.failNext = 'failAfterCommit';
    await expect(store.apply({ putMessages: [message('k', 'landed')] })).rejects.toThrow('I/O error');
    await store.apply({ putMessages: [message('n', 'after')] });
    const listed = await store.listMessages('peer', 1);
    expect(listed.map((m) => m.id)).toEqual(['m', 'k', 'n']);
    expect(new Set(listed.map((m) => m.seq)).size).toBe(3);
    await store.close();
  });

  it('hands out copies of outbox items: a caller changing one changes nothing kept', async () => {
    const { store } = await openStore();
    const put = item('o1', 5);
    await store.apply({ putOutbox: [put] });
    put.content.fill(0); // the caller reuses its buffer after the commit
    const [listed] = await store.listOutbox();
    expect(listed?.content).toEqual(new Uint8Array([5]));
    listed?.content.fill(7);
    expect((await store.listOutbox())[0]?.content).toEqual(new Uint8Array([5]));
    await store.close();
  });
});
