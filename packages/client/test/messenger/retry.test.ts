/**
 * Retry receipts in the client (retry.ts), one rule at a time: the limiter
 * answers once per sender device per interval in bounded memory; duplicates
 * and unattributed failures are never answered; a receipt under a key we do
 * not hold for the peer does nothing; each undelivered message is re-sent
 * once; the session is archived only when the failed message was sent in it.
 * The end-to-end story is test/e2e/retry-receipts.test.ts.
 */
import {
  DecryptionErrorMessage,
  IdentityKeyPair,
  KeyPair,
  PlaintextContent,
  ProtocolError,
  type PublicKey,
} from '@tacet/protocol';
import { describe, expect, it, vi } from 'vitest';
import { type Content, decodeContent, encodeContent } from '../../src/content/content.js';
import {
  contentOf,
  encodeIds,
  isRetryItem,
  MAX_RESENT_IDS,
  onRetryRequest,
  RETRY_LIMITER_SIZE,
  RETRY_REQUEST_INTERVAL_MS,
  type RetryContext,
  RetryLimiter,
  retryItemFor,
  withRetryTarget,
} from '../../src/messenger/retry.js';
import type { MessageRecord, OutboxItem } from '../../src/store/types.js';
import { toHex } from '../../src/util.js';

const PEER = 'peer-account';
/** A 16-byte message id, in hex, from one repeated byte. */
const id = (b: string) => b.repeat(16);
const T0 = 1_765_000_000_000;

describe('RetryLimiter', () => {
  it('answers a sender device once per interval, each device on its own', () => {
    const l = new RetryLimiter();
    expect(l.allow(PEER, 1, T0)).toBe(true);
    expect(l.allow(PEER, 1, T0 + RETRY_REQUEST_INTERVAL_MS - 1)).toBe(false);
    expect(l.allow(PEER, 2, T0)).toBe(true);
    expect(l.allow('other', 1, T0)).toBe(true);
    expect(l.allow(PEER, 1, T0 + RETRY_REQUEST_INTERVAL_MS)).toBe(true);
  });

  it('remembers a bounded number of senders, forgetting the oldest first', () => {
    const l = new RetryLimiter();
    for (let i = 0; i < RETRY_LIMITER_SIZE; i++) expect(l.allow(`s${i}`, 1, T0)).toBe(true);
    expect(l.allow('s1', 1, T0)).toBe(false);
    expect(l.allow('newcomer', 1, T0)).toBe(true); // evicts s0, the oldest
    expect(l.allow('s0', 1, T0)).toBe(true);
    expect(l.allow('s2', 1, T0)).toBe(false);
  });
});

describe('answering a failure', () => {
  const failed = () => new ProtocolError('InvalidPreKeyId', 'no prekey with id 5');
  const target = { sender: PEER, deviceId: 3, type: 7, body: new Uint8Array() };

  it('a failure with a target becomes one sealed-plaintext outbox item for that device', () => {
    const item = retryItemFor(
      withRetryTarget(failed(), target),
      new RetryLimiter(),
      T0 - 5,
      T0,
    ) as OutboxItem;
    expect(isRetryItem(item)).toBe(true);
    expect(item.recipient).toBe(PEER);
    const dem = PlaintextContent.deserialize(item.content).decryptionErrorMessage();
    expect([dem.deviceId, dem.timestamp, dem.ratchetKey]).toEqual([3, T0 - 5, undefined]);
  });

  it('duplicates, failures without a sender and a limited sender get no answer', () => {
    const limiter = new RetryLimiter();
    const dup = withRetryTarget(new ProtocolError('DuplicatedMessage', 'seen'), target);
    expect(retryItemFor(dup, limiter, T0, T0)).toBeUndefined();
    expect(retryItemFor(failed(), limiter, T0, T0)).toBeUndefined();
    expect(retryItemFor(withRetryTarget(failed(), target), limiter, T0, T0)).toBeDefined();
    expect(retryItemFor(withRetryTarget(failed(), target), limiter, T0, T0 + 1)).toBeUndefined();
  });

  it('message contents are never taken for retry items', () => {
    const content = {
      id: 'x',
      recipient: PEER,
      content: Uint8Array.of(0x0a, 0x10),
      createdAt: 0,
      ttlSeconds: 0,
    };
    expect(isRetryItem(content)).toBe(false);
  });
});

function message(
  id: string,
  status: MessageRecord['status'],
  direction: 'in' | 'out' = 'out',
): MessageRecord {
  return {
    id,
    conversationId: PEER,
    direction,
    kind: 'text',
    body: `body ${id}`,
    sentAt: T0,
    clock: 1,
    receivedAt: T0,
    timerSeconds: 0,
    expiresAt: null,
    status,
    seq: 1,
  };
}

/** A retry context over fakes: the peer's messages, our key for the peer, our session with it. */
function context(messages: MessageRecord[], known: PublicKey, session?: { matches: boolean }) {
  const records = new Map<string, Uint8Array>();
  const record = session && {
    currentRatchetKeyMatches: vi.fn(() => session.matches),
    archiveCurrentState: vi.fn(),
  };
  const saveSession = vi.fn(async () => undefined);
  const ctx = {
    store: {
      listMessages: async () => messages,
      getRecord: async (ns: string, key: string) => records.get(`${ns}/${key}`),
    },
    stores: {
      trustState: async () => ({ trusted: known.serialize(), latest: known.serialize() }),
      sessions: { getSession: async () => record ?? null, saveSession },
    },
    now: T0,
    batch: { records: [], putMessages: [], putOutbox: [] },
  } as unknown as RetryContext;
  /** Commits the batch's records, as the inbox would, and starts a new batch. */
  const commit = () => {
    for (const w of ctx.batch.records) if (w.value) records.set(`${w.ns}/${w.key}`, w.value);
    ctx.batch.records.length = 0;
    ctx.batch.putMessages.length = 0;
    ctx.batch.putOutbox.length = 0;
  };
  return { ctx, record, saveSession, commit };
}

describe('acting on a retry receipt', () => {
  const peerKey = IdentityKeyPair.generate().publicKey;
  const ratchet = KeyPair.generate().publicKey;
  const request = (key: PublicKey = peerKey) => ({
    sender: PEER,
    senderDevice: 1,
    identityKey: key,
    request: DecryptionErrorMessage.create(ratchet, T0, 1),
  });

  it('re-queues each sent, undelivered message with its own content, and marks it pending', async () => {
    const all = [
      message(id('aa'), 'sent'),
      message(id('bb'), 'delivered'),
      message(id('cc'), 'received', 'in'),
      message(id('dd'), 'pending'),
    ];
    const { ctx } = context(all, peerKey);
    const events = await onRetryRequest(ctx, request());
    expect(ctx.batch.putOutbox.map((o) => o.id)).toEqual([id('aa')]);
    const c = decodeContent((ctx.batch.putOutbox[0] as OutboxItem).content);
    expect(c).toMatchObject({ kind: 'text', body: `body ${id('aa')}`, sentAt: T0, clock: 1 });
    expect(toHex(c.id)).toBe(id('aa'));
    expect(ctx.batch.putMessages.map((m) => [m.id, m.status])).toEqual([[id('aa'), 'pending']]);
    expect(events).toHaveLength(1);
  });

  it('re-sends a message once, however many receipts come', async () => {
    const { ctx, commit } = context([message(id('aa'), 'sent')], peerKey);
    await onRetryRequest(ctx, request());
    commit();
    expect(await onRetryRequest(ctx, request())).toEqual([]);
    expect(ctx.batch.putOutbox).toEqual([]);
  });

  it('the record of re-sent ids has one size at rest, whatever it holds', async () => {
    const one = context([message(id('aa'), 'sent')], peerKey);
    await onRetryRequest(one.ctx, request());
    const many = context(
      Array.from({ length: MAX_RESENT_IDS + 5 }, (_, i) => message(i.toString(16).padStart(32, '0'), 'sent')),
      peerKey,
    );
    await onRetryRequest(many.ctx, request());
    expect(many.ctx.batch.putOutbox).toHaveLength(MAX_RESENT_IDS + 5);
    const sizes = [one, many].map((c) => c.ctx.batch.records[0]?.value?.length);
    expect(sizes).toEqual([MAX_RESENT_IDS * 16, MAX_RESENT_IDS * 16]);
    expect(encodeIds([]).length).toBe(MAX_RESENT_IDS * 16);
  });

  it('a delivery receipt earlier in the same batch counts', async () => {
    const { ctx } = context([message(id('aa'), 'sent')], peerKey);
    ctx.batch.putMessages.push({ ...message(id('aa'), 'delivered') });
    await onRetryRequest(ctx, request());
    expect(ctx.batch.putOutbox).toEqual([]);
  });

  it('a receipt under another key than the one we hold for the peer does nothing', async () => {
    const { ctx, saveSession } = context([message(id('aa'), 'sent')], peerKey, { matches: true });
    expect(await onRetryRequest(ctx, request(IdentityKeyPair.generate().publicKey))).toEqual([]);
    expect(ctx.batch.putOutbox).toEqual([]);
    expect(saveSession).not.toHaveBeenCalled();
  });

  it('archives the session only when the failed message was sent in it', async () => {
    const hit = context([], peerKey, { matches: true });
    await onRetryRequest(hit.ctx, request());
    expect(hit.record?.archiveCurrentState).toHaveBeenCalledOnce();
    expect(hit.saveSession).toHaveBeenCalledOnce();
    const miss = context([], peerKey, { matches: false });
    await onRetryRequest(miss.ctx, request());
    expect(miss.record?.archiveCurrentState).not.toHaveBeenCalled();
    expect(miss.saveSession).not.toHaveBeenCalled();
  });
});

describe('rebuilding a message for re-sending', () => {
  const pointer = {
    id: new Uint8Array(32).fill(1),
    key: new Uint8Array(64).fill(2),
    digest: new Uint8Array(32).fill(3),
    size: 1234,
    contentType: 'image/png',
    fileName: 'a.png',
  };
  const base = { id: new Uint8Array(16).fill(0xab), sentAt: T0, clock: 7, timerSeconds: 30 };
  const cases: Array<[string, Content, Partial<MessageRecord>]> = [
    ['a text', { ...base, kind: 'text', body: 'hi' }, { kind: 'text', body: 'hi' }],
    [
      'a reply',
      { ...base, kind: 'text', body: 'yes', replyTo: new Uint8Array(16).fill(9) },
      { kind: 'text', body: 'yes', replyTo: '09'.repeat(16) },
    ],
    ['a timer change', { ...base, kind: 'timer' }, { kind: 'timer', body: '' }],
    [
      'an attachment',
      { ...base, kind: 'attachment', body: 'look', pointer },
      { kind: 'attachment', body: 'look', attachment: pointer },
    ],
  ];

  it.each(cases)('%s goes out as the same content bytes', (_name, content, fields) => {
    const m = { ...message('ab'.repeat(16), 'sent'), clock: 7, timerSeconds: 30, ...fields } as MessageRecord;
    const again = contentOf(m) as Content;
    expect(encodeContent(again)).toEqual(encodeContent(content));
    expect(decodeContent(encodeContent(again))).toEqual(decodeContent(encodeContent(content)));
  });

  it('a kind it cannot rebuild is left alone', () => {
    const odd = { ...message('ab'.repeat(16), 'sent'), kind: 'attachment' } as MessageRecord;
    expect(contentOf(odd)).toBeUndefined();
  });
});
