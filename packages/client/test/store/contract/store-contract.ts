/**
 * The ClientStore contract: one suite every adapter passes, SQLite in Node
 * (sqlite.test.ts) and IndexedDB in real Chromium (indexeddb.test.ts, which
 * runs these very cases inside a page). Besides reads and writes it holds
 * the promises someone whose device is taken relies on: nothing readable at
 * rest, an expired message shredded (no text, no sealed body, no key left),
 * and no traffic log (a copy neither counts nor dates past messages).
 */
import type { ClientStore, MessageRecord, WriteBatch } from '../../../src/store/types.js';
import { type AtRestDump, datesIn, dumpHolds, shapeOf } from './at-rest-dump.js';
import { equal, errorCode, ok } from './check.js';

/** What the v1 fixture holds (fixtures/v1-content.json). */
export interface V1Content {
  records: Array<{ ns: string; key: string; value: number[] }>;
  messages: Array<Omit<MessageRecord, 'seq'>>;
  outbox: Array<{ id: string; recipient: string; content: number[]; createdAt: number; ttlSeconds: number }>;
  seen: string[];
  passphrase: string;
  /** The clear receive times v1 kept for the seen ids (read from the fixture by the harness). */
  seenAt: number[];
}

/** One adapter under test. Profiles are named; each test gets fresh, empty ones. */
export interface StoreHarness {
  open(profile: string, passphrase: string): Promise<ClientStore>;
  /** Everything the (closed) profile keeps, as a copy of its files would show it. */
  dump(profile: string): Promise<AtRestDump>;
  /** The raw sealed body and sealed key of a stored message. */
  rawMessage(profile: string, id: string): Promise<{ body: Uint8Array; key: Uint8Array }>;
  /** Puts the profile written by the v1 code (the fixture) in place as `profile`. */
  restoreV1Fixture(profile: string): Promise<V1Content>;
}

export type ContractCase = (h: StoreHarness) => Promise<void>;

const PASS = 'correct horse';
const te = new TextEncoder();

function message(
  id: string,
  body: string,
  expiresAt: number | null,
  conv = 'peer-1',
): Omit<MessageRecord, 'seq'> {
  return {
    id,
    conversationId: conv,
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

const ids = (ms: { id: string }[]) => ms.map((m) => m.id);

/** A whole received message as the client stores it: row, dedup ids, receipt; then its expiry. */
async function exchange(s: ClientStore, n: number, now: () => number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const id = `msg-${i}-${Math.random().toString(36).slice(2)}`;
    const batch: WriteBatch = {
      putMessages: [message(id, `text ${i}`, null)],
      seen: [`env:${id}`, `content:peer-1:${id}`],
      putOutbox: [
        {
          id: `r-${id}`,
          recipient: 'peer-1',
          content: te.encode(`receipt ${i}`),
          createdAt: now(),
          ttlSeconds: 86400,
        },
      ],
    };
    await s.apply(batch);
    await s.apply({
      deleteOutbox: [`r-${id}`],
      putMessages: [{ ...message(id, `text ${i}`, now()), receivedAt: now() }],
    });
  }
  await s.deleteExpired(now() + 1);
}

export const storeContract: Record<string, ContractCase> = {
  async 'keeps records, messages, outbox and seen ids across reopen, in order'(h) {
    const s = await h.open('a', PASS);
    await s.apply({
      records: [
        { ns: 'contact', key: 'alice', value: new Uint8Array([1, 2, 3]) },
        { ns: 'contact', key: 'bob', value: new Uint8Array([]) },
        { ns: 'session', key: 'alice', value: new Uint8Array([7]) },
      ],
      putMessages: [
        message('m1', 'first', null),
        message('m2', 'second', null),
        message('x1', 'other', null, 'peer-2'),
      ],
      putOutbox: [
        { id: 'o1', recipient: 'peer-1', content: new Uint8Array([9]), createdAt: 5, ttlSeconds: 60 },
      ],
      seen: ['env-1'],
    });
    await s.apply({ putMessages: [message('m3', 'third', null)] });
    await s.close();
    const t = await h.open('a', PASS);
    equal(await t.getRecord('contact', 'alice'), new Uint8Array([1, 2, 3]), 'record');
    equal(await t.getRecord('contact', 'bob'), new Uint8Array([]), 'empty record');
    equal(await t.getRecord('contact', 'carol'), undefined, 'missing record');
    equal((await t.listRecords('contact')).map((r) => r.key).sort(), ['alice', 'bob'], 'namespace listing');
    equal(
      (await t.listMessages('peer-1', 0)).map((m) => [m.id, m.body]),
      [
        ['m1', 'first'],
        ['m2', 'second'],
        ['m3', 'third'],
      ],
      'order',
    );
    equal(ids(await t.listMessages('peer-2', 0)), ['x1'], 'other conversation');
    equal(ids(await t.listOutbox()), ['o1'], 'outbox');
    equal((await t.listOutbox())[0]?.content, new Uint8Array([9]), 'outbox content');
    equal([await t.hasSeen('env-1'), await t.hasSeen('env-2')], [true, false], 'seen ids');
    // A replaced message keeps its place; a deleted record is gone.
    await t.apply({
      putMessages: [{ ...message('m1', 'first', null), status: 'delivered' }],
      records: [{ ns: 'contact', key: 'alice', value: null }],
    });
    const after = await t.listMessages('peer-1', 0);
    equal(
      after.map((m) => [m.id, m.status]),
      [
        ['m1', 'delivered'],
        ['m2', 'received'],
        ['m3', 'received'],
      ],
      'replaced in place',
    );
    ok(after[0] && after[1] && after[0].seq < after[1].seq, 'order numbers ascend');
    equal((await t.getMessage('m1'))?.status, 'delivered', 'getMessage');
    equal(await t.getRecord('contact', 'alice'), undefined, 'deleted record');
    await t.close();
  },

  async 'reads see every commit: records read once (cached) change, vanish and appear'(h) {
    const s = await h.open('a', PASS);
    const v = (b: number) => new Uint8Array([b]);
    await s.apply({ records: [{ ns: 'self', key: 'devices:p', value: v(1) }] });
    equal(await s.getRecord('self', 'devices:p'), v(1), 'first read');
    equal(await s.getRecord('untrusted', 'p'), undefined, 'absent, read once');
    const copy = (await s.getRecord('self', 'devices:p')) as Uint8Array;
    copy[0] = 99; // a caller scribbling on what it got changes nothing stored
    equal(await s.getRecord('self', 'devices:p'), v(1), 'not aliased');
    await s.apply({
      records: [
        { ns: 'self', key: 'devices:p', value: v(2) },
        { ns: 'untrusted', key: 'p', value: v(1) },
      ],
    });
    equal(await s.getRecord('self', 'devices:p'), v(2), 'changed');
    equal(await s.getRecord('untrusted', 'p'), v(1), 'appeared');
    const pending = s.getRecord('self', 'devices:p'); // in flight while the next commit lands
    const write = s.apply({ records: [{ ns: 'self', key: 'devices:p', value: null }] });
    await Promise.all([pending, write]);
    equal(await s.getRecord('self', 'devices:p'), undefined, 'deleted');
    await s.apply({ records: [{ ns: 'self', key: 'devices:p', value: v(3) }] });
    await s.close();
    const t = await h.open('a', PASS);
    equal(await t.getRecord('self', 'devices:p'), v(3), 'on disk as read');
    equal(await t.getRecord('untrusted', 'p'), v(1), 'flag on disk');
    await t.close();
  },

  async 'message reads see every commit: read back as written, replaced, deleted, put again'(h) {
    const s = await h.open('a', PASS);
    const pointer = {
      id: new Uint8Array(32).fill(6),
      key: new Uint8Array(64).fill(7),
      digest: new Uint8Array(32).fill(8),
      size: 3,
      contentType: 'text/plain',
      fileName: 'a.txt',
    };
    const file = { ...message('f', 'caption', null), kind: 'attachment' as const, attachment: pointer };
    await s.apply({ putMessages: [message('m', 'one', null), file] });
    const first = (await s.getMessage('m')) as MessageRecord;
    equal([first.body, first.status], ['one', 'received'], 'read back as written');
    (first as { body: string }).body = 'scribbled'; // a caller changing what it got changes nothing stored
    equal((await s.getMessage('m'))?.body, 'one', 'not aliased');
    const got = (await s.getMessage('f')) as MessageRecord;
    equal(got.attachment, pointer, 'attachment pointer');
    got.attachment?.key.fill(0);
    equal((await s.getMessage('f'))?.attachment?.key, pointer.key, 'pointer not aliased');
    await s.apply({ putMessages: [{ ...message('m', 'two', 5000), status: 'read' }] });
    const second = (await s.getMessage('m')) as MessageRecord;
    equal([second.body, second.status, second.expiresAt], ['two', 'read', 5000], 'replaced');
    equal(second.seq, first.seq, 'kept its place');
    const pending = s.getMessage('m'); // in flight while the delete lands
    const write = s.apply({ deleteMessages: ['m', 'f'] });
    await Promise.all([pending, write]);
    equal([await s.getMessage('m'), await s.getMessage('f')], [undefined, undefined], 'deleted');
    await s.apply({ putMessages: [message('m', 'three', null)] });
    const third = (await s.getMessage('m')) as MessageRecord;
    ok(third.seq > first.seq, 'put again: a new place');
    await s.close();
    const t = await h.open('a', PASS);
    equal((await t.getMessage('m'))?.body, 'three', 'on disk as read');
    equal(await t.getMessage('f'), undefined, 'deleted on disk');
    await t.close();
  },

  async 'a record put again unchanged, or twice in one batch, reads back as its last write'(h) {
    const s = await h.open('a', PASS);
    const v = (b: number) => new Uint8Array([b, b]);
    await s.apply({ records: [{ ns: 'contact-name', key: 'p', value: v(1) }] });
    equal(await s.getRecord('contact-name', 'p'), v(1), 'first');
    await s.apply({ records: [{ ns: 'contact-name', key: 'p', value: v(1) }] });
    equal(await s.getRecord('contact-name', 'p'), v(1), 'put again unchanged');
    // The earlier write of a key differs from what is stored, the later one equals it: the later one lands.
    await s.apply({
      records: [
        { ns: 'contact-name', key: 'p', value: v(2) },
        { ns: 'contact-name', key: 'p', value: v(1) },
      ],
    });
    equal(await s.getRecord('contact-name', 'p'), v(1), 'last write of the batch');
    await s.apply({ records: [{ ns: 'untrusted', key: 'p', value: null }] }); // absent, deleted again
    await s.apply({
      records: [
        { ns: 'untrusted', key: 'p', value: null },
        { ns: 'untrusted', key: 'p', value: v(3) },
      ],
    });
    equal(await s.getRecord('untrusted', 'p'), v(3), 'deleted, then put in one batch');
    await s.close();
    const t = await h.open('a', PASS);
    equal(await t.getRecord('contact-name', 'p'), v(1), 'on disk');
    equal(await t.getRecord('untrusted', 'p'), v(3), 'flag on disk');
    await t.close();
  },

  async 'refuses a wrong passphrase with WrongPassphrase'(h) {
    await (await h.open('a', PASS)).close();
    equal(
      await errorCode(() => h.open('a', 'wrong horse'), 'wrong passphrase'),
      'WrongPassphrase',
      'error code',
    );
    await (await h.open('a', PASS)).close();
  },

  async 'keeps the outbox in creation order; a replaced item keeps its place'(h) {
    const s = await h.open('a', PASS);
    const item = (id: string, createdAt: number, b: number) => ({
      id,
      recipient: 'p',
      content: new Uint8Array([b]),
      createdAt,
      ttlSeconds: 0,
    });
    await s.apply({ putOutbox: [item('late', 20, 1), item('early', 10, 2)] });
    await s.apply({ putOutbox: [item('same-a', 30, 3)] });
    await s.apply({ putOutbox: [item('same-b', 30, 4)] });
    await s.apply({ putOutbox: [item('same-a', 30, 5)] }); // a receipt growing: same id, new content
    equal(
      (await s.listOutbox()).map((o) => [o.id, o.content[0]]),
      [
        ['early', 2],
        ['late', 1],
        ['same-a', 5],
        ['same-b', 4],
      ],
      'outbox order',
    );
    await s.apply({ deleteOutbox: ['late'] });
    equal(ids(await s.listOutbox()), ['early', 'same-a', 'same-b'], 'after delete');
    await s.close();
  },

  async 'hides expired messages before the sweep, then shreds them'(h) {
    const s = await h.open('a', PASS);
    await s.apply({ putMessages: [message('a', 'x', 50), message('b', 'y', 80), message('c', 'z', null)] });
    equal(await s.nextExpiry(), 50, 'next deadline');
    equal(ids(await s.listMessages('peer-1', 49)), ['a', 'b', 'c'], 'before');
    equal(ids(await s.listMessages('peer-1', 50)), ['b', 'c'], 'at the deadline');
    equal(await s.deleteExpired(49), [], 'nothing due');
    equal(await s.deleteExpired(80), ['a', 'b'], 'swept');
    equal(await s.getMessage('a'), undefined, 'gone');
    equal(await s.nextExpiry(), null, 'no deadline left');
    await s.close();
  },

  async 'never keeps names, values or texts in the clear'(h) {
    const s = await h.open('a', PASS);
    await s.apply({
      records: [{ ns: 'contact', key: 'zebulon-the-contact', value: te.encode('secret-record-value') }],
      putMessages: [message('m1', 'plaintext-canary-4711', null, 'peer-account-canary')],
      putOutbox: [
        {
          id: 'o1',
          recipient: 'recipient-canary',
          content: te.encode('outbox-canary'),
          createdAt: 1,
          ttlSeconds: 0,
        },
      ],
    });
    await s.close();
    const dump = await h.dump('a');
    for (const canary of [
      'zebulon-the-contact',
      'secret-record-value',
      'plaintext-canary-4711',
      'peer-account-canary',
      'recipient-canary',
      'outbox-canary',
      'contact',
    ])
      ok(!dumpHolds(dump, canary), `"${canary}" is readable at rest`);
  },

  async 'shreds an expired message: no text, no sealed body, no key left at rest'(h) {
    const s = await h.open('a', PASS);
    const deadline = Date.now() + 60_000;
    await s.apply({
      putMessages: [message('doomed', 'vanishing-canary', deadline), message('kept', 'staying', null)],
    });
    const raw = await h.rawMessage('a', 'doomed');
    await s.close();
    const live = await h.dump('a');
    // The scan finds a live message's sealed parts (the ciphertext after the 12-byte nonce), so their absence later means something.
    ok(
      dumpHolds(live, raw.body.subarray(12, 44)) && dumpHolds(live, raw.key.subarray(12, 44)),
      'scan sees live rows',
    );
    const t = await h.open('a', PASS);
    equal(await t.deleteExpired(deadline), ['doomed'], 'swept');
    equal(ids(await t.listMessages('peer-1', 0)), ['kept'], 'the other stays');
    await t.close();
    const after = await h.dump('a');
    ok(!dumpHolds(after, raw.body.subarray(12, 44)), 'sealed body left at rest');
    ok(!dumpHolds(after, raw.key.subarray(12, 44)), 'message key left at rest');
    ok(!dumpHolds(after, 'vanishing'), 'text left at rest');
    ok(!dumpHolds(after, 'doomed'), 'message id left at rest');
  },

  async 'keeps no traffic log: a copy neither counts nor dates past messages'(h) {
    const from = Date.now();
    const few = await h.open('few', PASS);
    const many = await h.open('many', PASS);
    await exchange(few, 1, Date.now);
    await exchange(many, 40, Date.now);
    await few.close();
    await many.close();
    const to = Date.now();
    const [a, b] = [await h.dump('few'), await h.dump('many')];
    equal(shapeOf(a), shapeOf(b), 'the profile after 1 and after 40 expired messages');
    equal(datesIn(b, from, to), [], 'clear times of past traffic');
    const t = await h.open('many', PASS);
    equal(await t.listMessages('peer-1', Date.now()), [], 'all expired');
    await t.close();
  },

  async 'remembers the most recent seen ids across reopen, forgets the oldest beyond capacity'(h) {
    const s = await h.open('a', PASS);
    const batch = Array.from({ length: 8192 }, (_, i) => `env:${i}`);
    await s.apply({ seen: ['env:first'] });
    await s.apply({ seen: batch.slice(0, 4096) });
    await s.apply({ seen: batch.slice(4096) });
    equal(await s.hasSeen('env:first'), false, 'oldest forgotten');
    await s.close();
    const t = await h.open('a', PASS);
    equal(
      [await t.hasSeen('env:0'), await t.hasSeen('env:8191'), await t.hasSeen('env:x')],
      [true, true, false],
      'after reopen',
    );
    await t.apply({ seen: ['env:8191', 'env:new'] }); // known ids take no slot
    equal(await t.hasSeen('env:0'), false, 'one new id pushes out one old one');
    equal(await t.hasSeen('env:1'), true, 'and only one');
    await t.close();
  },

  async 'opens a profile written by the v1 code and reads back all of it'(h) {
    const v1 = await h.restoreV1Fixture('old');
    const s = await h.open('old', v1.passphrase);
    for (const r of v1.records)
      equal(await s.getRecord(r.ns, r.key), new Uint8Array(r.value), `record ${r.ns}/${r.key}`);
    equal(
      (await s.listRecords('self')).map((r) => r.key).sort(),
      ['empty', 'identity-key-pair'],
      'namespace listing',
    );
    const live = v1.messages.filter((m) => m.expiresAt === null || m.expiresAt > Date.now());
    const listed = await s.listMessages('peer-account', Date.now());
    equal(
      listed.map(({ seq: _, ...m }) => m),
      live,
      'messages, in their v1 order',
    );
    equal(await s.deleteExpired(Date.now()), ['m-expired'], 'a v1 message past its deadline');
    equal(
      (await s.listOutbox()).map((o) => ({ ...o, content: Array.from(o.content) })),
      v1.outbox,
      'outbox',
    );
    for (const id of v1.seen) equal(await s.hasSeen(id), true, `seen ${id}`);
    equal(await s.hasSeen('env:never'), false, 'unseen');
    await s.apply({ putMessages: [message('m-new', 'after the upgrade', null, 'peer-account')] });
    await s.close();
    const t = await h.open('old', v1.passphrase);
    equal(
      ids(await t.listMessages('peer-account', Date.now())),
      [...ids(live), 'm-new'],
      'new messages go last',
    );
    await t.close();
    const dump = await h.dump('old');
    ok(v1.seenAt.length === v1.seen.length, 'the fixture has its receive times');
    for (const at of v1.seenAt) equal(datesIn(dump, at, at), [], 'v1 receive times are gone');
    ok(!dumpHolds(dump, 'hello from v1'), 'sealed at rest');
  },
};
