/**
 * Retry receipts (docs/retry-receipts.md), both roles. As recipient: a
 * message from an authenticated sender that cannot be decrypted is answered
 * with a DecryptionErrorMessage, at most one per sender device per minute,
 * queued in the outbox like any item and sealed as plaintext content (there
 * is no session to encrypt it with: that is what failed). As sender: a
 * retry receipt archives the failed session (the next send fetches a fresh
 * bundle) and re-queues each undelivered message to that peer, once.
 *
 * Owns the retry items, the limiter and the per-peer "already resent" record;
 * sealing is sealing.ts's, decryption peer-crypto.ts's, storage the inbox batch's.
 */
import {
  DecryptionErrorMessage,
  PLAINTEXT_CONTENT_IDENTIFIER,
  PlaintextContent,
  ProtocolAddress,
  ProtocolError,
  type PublicKey,
} from '@tacet/protocol';
import { parseAccountId } from '@tacet/wire';
import { type Content, encodeContent } from '../content/content.js';
import type { ClientEvent } from '../events.js';
import type { ProtocolStores } from '../sessions/protocol-stores.js';
import type { ClientStore, MessageRecord, OutboxItem } from '../store/types.js';
import { fromHex, randomId, toHex } from '../util.js';
import type { IdentityDirectory } from './peer-crypto.js';
import { seal } from './sealing.js';
import type { CertificateSource } from './sender-certificates.js';

/** One retry receipt per sender device per minute: a flood of failures costs one answer. */
export const RETRY_REQUEST_INTERVAL_MS = 60_000;
/** Sender devices the limiter remembers; the oldest is forgotten first (bounded memory). */
export const RETRY_LIMITER_SIZE = 1024;
/** A retry receipt is worth nothing after a day. */
const RETRY_TTL_SECONDS = 24 * 3600;
/**
 * Ids remembered per peer as already re-sent (each message is re-sent once).
 * The record always holds this many 16-byte slots, so its size at rest says
 * nothing about how many messages were re-sent.
 */
export const MAX_RESENT_IDS = 128;
const ID_BYTES = 16;
/** Records: the ids already re-sent to each peer. */
const RESENT_NS = 'retry-resent';

/** What a recipient needs to answer a message it could not decrypt. */
export interface RetryTarget {
  readonly sender: string;
  readonly deviceId: number;
  /** CiphertextMessageType of the failed message (2 or 3). */
  readonly type: number;
  readonly body: Uint8Array;
}

/** The failure `e`, carrying who to answer; duplicates are never answered (nothing was lost). */
export function withRetryTarget(e: unknown, target: RetryTarget): unknown {
  if (!(e instanceof ProtocolError) || e.is('DuplicatedMessage')) return e;
  return new ProtocolError(e.code, e.message, { ...e.data, retryTarget: target });
}

function retryTargetOf(e: unknown): RetryTarget | undefined {
  return e instanceof ProtocolError ? (e.data.retryTarget as RetryTarget | undefined) : undefined;
}

/** At most one retry receipt per sender device per interval, in bounded memory. */
export class RetryLimiter {
  readonly #last = new Map<string, number>();

  allow(sender: string, deviceId: number, now: number): boolean {
    const key = `${sender}.${deviceId}`;
    const last = this.#last.get(key);
    if (last !== undefined && now - last < RETRY_REQUEST_INTERVAL_MS) return false;
    this.#last.delete(key); // re-inserted last: Map order is the eviction order
    if (this.#last.size >= RETRY_LIMITER_SIZE) this.#last.delete(this.#last.keys().next().value as string);
    this.#last.set(key, now);
    return true;
  }
}

/**
 * The outbox item answering failure `e` (received at `timestamp`), or
 * undefined when there is no one to answer or the limiter says no.
 */
export function retryItemFor(
  e: unknown,
  limiter: RetryLimiter,
  timestamp: number,
  now: number,
): OutboxItem | undefined {
  const t = retryTargetOf(e);
  if (!t || !limiter.allow(t.sender, t.deviceId, now)) return undefined;
  let dem: DecryptionErrorMessage;
  try {
    dem = DecryptionErrorMessage.forOriginal(t.body, t.type, timestamp, t.deviceId);
  } catch {
    return undefined; // not even parseable: it names no session to repair
  }
  const content = PlaintextContent.from(dem).serialize();
  return {
    id: toHex(randomId()),
    recipient: t.sender,
    content,
    createdAt: now,
    ttlSeconds: RETRY_TTL_SECONDS,
  };
}

/**
 * Whether an outbox item is a retry receipt rather than a message content:
 * content (content.ts) always opens with field 1's tag 0x0a, a
 * PlaintextContent always with 0xC0.
 */
export function isRetryItem(item: OutboxItem): boolean {
  return item.content[0] === PLAINTEXT_CONTENT_IDENTIFIER;
}

/**
 * Seals a retry receipt for the one device whose message failed. The
 * recipient may be a stranger (its very first message failed): its key is
 * then the one the directory lists, as for any first contact.
 */
export async function sealRetryItem(
  stores: ProtocolStores,
  directory: IdentityDirectory,
  certificate: CertificateSource,
  item: OutboxItem,
  now: number,
) {
  const pc = PlaintextContent.deserialize(item.content);
  const address = new ProtocolAddress(item.recipient, pc.decryptionErrorMessage().deviceId);
  const key = (await stores.identities.getIdentity(address)) ?? (await directory(item.recipient));
  if (!key) return [];
  const identities = {
    getIdentityKeyPair: () => stores.identities.getIdentityKeyPair(),
    getIdentity: async () => key,
  };
  const content = await seal(stores, await certificate(now), address, pc, identities);
  return [{ accountId: parseAccountId(item.recipient), deviceId: address.deviceId, content }];
}

/** Where a received retry receipt's effects go: the inbox's batch and store. */
export interface RetryContext {
  readonly store: ClientStore;
  readonly stores: ProtocolStores;
  readonly now: number;
  readonly batch: {
    readonly records: Array<{ ns: string; key: string; value: Uint8Array | null }>;
    readonly putMessages: Array<Omit<MessageRecord, 'seq'>>;
    readonly putOutbox: OutboxItem[];
  };
}

/** A retry receipt as opened by peer-crypto.ts. */
export interface RetryRequest {
  readonly sender: string;
  readonly senderDevice: number;
  readonly identityKey: PublicKey;
  readonly request: DecryptionErrorMessage;
}

/**
 * Acts on a retry receipt from `r.sender`: archives our session with that
 * device when the failed message was sent in it, and re-queues every
 * message to that peer that was sent but never delivered, each once. A
 * receipt under a key other than the one we hold for the peer is ignored.
 */
export async function onRetryRequest(ctx: RetryContext, r: RetryRequest): Promise<ClientEvent[]> {
  const { trusted, latest } = await ctx.stores.trustState(r.sender);
  const known = trusted ?? latest;
  if (!known || toHex(known) !== toHex(r.identityKey.serialize())) return [];
  await archiveFailedSession(ctx.stores, new ProtocolAddress(r.sender, r.senderDevice), r.request);
  const resent = await resentIds(ctx, r.sender);
  const events: ClientEvent[] = [];
  // A delivery receipt earlier in this batch is not committed yet: its status counts.
  const staged = new Map(ctx.batch.putMessages.map((m) => [m.id, m.status]));
  for (const m of await ctx.store.listMessages(r.sender, ctx.now)) {
    const status = staged.get(m.id) ?? m.status;
    if (m.direction !== 'out' || status !== 'sent' || resent.includes(m.id)) continue;
    const content = contentOf(m);
    if (!content) continue;
    const again = { ...m, status: 'pending' as const };
    ctx.batch.putMessages.push(again);
    ctx.batch.putOutbox.push({
      id: m.id,
      recipient: m.conversationId,
      content: encodeContent(content),
      createdAt: ctx.now,
      ttlSeconds: 0,
    });
    resent.push(m.id);
    events.push({ type: 'updated', message: again });
  }
  if (events.length > 0) ctx.batch.records.push({ ns: RESENT_NS, key: r.sender, value: encodeIds(resent) });
  return events;
}

/** The failed message was sent in our current session with that device: it is broken, start afresh. */
async function archiveFailedSession(
  stores: ProtocolStores,
  address: ProtocolAddress,
  dem: DecryptionErrorMessage,
) {
  const record = await stores.sessions.getSession(address);
  if (!record || !dem.ratchetKey || !record.currentRatchetKeyMatches(dem.ratchetKey.bytes)) return;
  record.archiveCurrentState();
  await stores.sessions.saveSession(address, record);
}

async function resentIds(ctx: RetryContext, peer: string): Promise<string[]> {
  const staged = ctx.batch.records.findLast((w) => w.ns === RESENT_NS && w.key === peer);
  const bytes = staged ? staged.value : await ctx.store.getRecord(RESENT_NS, peer);
  return bytes ? decodeIds(bytes) : [];
}

/** The newest MAX_RESENT_IDS ids in fixed-size slots; empty slots are zero. */
export function encodeIds(ids: readonly string[]): Uint8Array {
  const out = new Uint8Array(MAX_RESENT_IDS * ID_BYTES);
  const kept = ids.slice(-MAX_RESENT_IDS);
  const first = MAX_RESENT_IDS - kept.length;
  for (const [i, id] of kept.entries()) out.set(fromHex(id), (first + i) * ID_BYTES);
  return out;
}

function decodeIds(bytes: Uint8Array): string[] {
  const ids: string[] = [];
  for (let at = 0; at + ID_BYTES <= bytes.length; at += ID_BYTES) {
    const slot = bytes.subarray(at, at + ID_BYTES);
    if (slot.some((b) => b !== 0)) ids.push(toHex(slot));
  }
  return ids;
}

/**
 * The message's content rebuilt from its record: the same id (so a recipient
 * that did get it de-duplicates it), clock and send time; an edited text goes
 * out as edited. Undefined for a kind this module does not know how to
 * rebuild: such a message is left alone rather than re-sent wrong.
 */
export function contentOf(m: MessageRecord): Content | undefined {
  const base = { id: fromHex(m.id), sentAt: m.sentAt, clock: m.clock ?? 0, timerSeconds: m.timerSeconds };
  if (m.kind === 'timer') return { ...base, kind: 'timer' };
  if (m.kind === 'attachment')
    return m.attachment ? { ...base, kind: 'attachment', body: m.body, pointer: m.attachment } : undefined;
  if (m.kind !== 'text') return undefined;
  return m.replyTo === undefined
    ? { ...base, kind: 'text', body: m.body }
    : { ...base, kind: 'text', body: m.body, replyTo: fromHex(m.replyTo) };
}
