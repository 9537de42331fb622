/**
 * Turns delivered envelopes into stored state: de-duplicate, decrypt, decode,
 * and collect the ratchet steps, conversation items, delivery receipts and
 * de-duplication ids of a group of envelopes into ONE atomic batch. Only
 * after that batch is committed may the envelopes be acked (the server then
 * deletes them). A backlog thus costs one commit per group, not per message.
 */
import { ProtocolError, type PublicKey } from '@tacet/protocol';
import { formatAccountId } from '@tacet/wire';
import type { Contact, Contacts } from '../contacts.js';
import { type Content, decodeContent, encodeContent, MAX_RECEIPT_IDS } from '../content/content.js';
import { unpad } from '../content/padding.js';
import { listOutOfDate } from '../devices/device-changes.js';
import type { ServedOwnList } from '../devices/own-list-refresh.js';
import { ClientError } from '../errors.js';
import type { ClientEvent } from '../events.js';
import { isGroupConversation } from '../groups/group-book.js';
import { markGroupDelivery } from '../groups/group-delivery.js';
import { applyGroupControl, groupMessageTarget } from '../groups/group-inbox.js';
import type { ProtocolStores } from '../sessions/protocol-stores.js';
import type { ClientStore, MessageRecord, OutboxItem, WriteBatch } from '../store/types.js';
import { DEFAULT_TIMER_SECONDS } from '../timers/duration.js';
import { startSenderCountdown } from '../timers/sender-countdown.js';
import type { IncomingEnvelope } from '../transport/connection.js';
import { fromHex, randomId, toHex } from '../util.js';
import {
  applyAction,
  applyMessageAction,
  findByContentId,
  memberAuthor,
  selfAuthor,
} from './apply-action.js';
import { heldNs, holdWrites, MAX_HELD_PER_SENDER } from './held-apart.js';
import { compareVersions, DEFAULT_VERSION } from './ordering.js';
import { collectOwnGroup, isOwnGroupTraffic, unlistedSibling } from './own-group.js';
import {
  decryptEnvelope,
  type IdentityClaimOpened,
  type IdentityDirectory,
  identityUntrusted,
} from './peer-crypto.js';
import { onRetryRequest, type RetryLimiter, type RetryRequest, retryItemFor } from './retry.js';
import { applySync, displayedDeadlines } from './sync.js';

/** Receipts may sit on the server for a day; after that nobody waits for them. */
const RECEIPT_TTL_SECONDS = 24 * 3600;

/** Writes collected for one group of envelopes, committed together. */
export interface InboxBatch {
  readonly records: Array<{ ns: string; key: string; value: Uint8Array | null }>;
  readonly putMessages: Array<Omit<MessageRecord, 'seq'>>;
  /** Messages their author deleted for everyone (apply-action.ts). */
  readonly deleteMessages: string[];
  readonly putOutbox: OutboxItem[];
  /** Retry receipts (retry.ts): queued after this batch's delivery receipts, so a peer learns first what did arrive. */
  readonly retryItems: OutboxItem[];
  readonly seen: Set<string>;
  /** Contacts created or changed in this batch (not yet in the store). */
  readonly contacts: Map<string, Contact>;
  readonly untrusted: Set<string>;
  /** Content ids to acknowledge, per sender: one receipt per sender per batch (receiptWrites). */
  readonly receipts: Map<string, Uint8Array[]>;
  /** Per-batch read cache: stored contact and stored "untrusted" flag of each sender. */
  readonly known: Map<string, { contact: Contact | undefined; flagged: boolean }>;
  /** Messages held apart per claimed sender, counting this batch's. */
  readonly held: Map<string, number>;
  /** Senders whose messages say our verified device list of theirs is out of date (devices/device-changes.ts). */
  readonly devicesStale: Set<string>;
  /** Our own signed list was fetched again in this batch (devices/own-list-refresh.ts): once is enough. */
  ownListChecked: boolean;
}

export function newInboxBatch(): InboxBatch {
  return {
    records: [],
    putMessages: [],
    deleteMessages: [],
    putOutbox: [],
    retryItems: [],
    seen: new Set(),
    contacts: new Map(),
    untrusted: new Set(),
    receipts: new Map(),
    known: new Map(),
    held: new Map(),
    devicesStale: new Set(),
    ownListChecked: false,
  };
}

/** The batch as one WriteBatch; protocol writes first, so contact writes of the same batch win. */
export function toWriteBatch(
  b: InboxBatch,
  protocolWrites: InboxBatch['records'],
  contacts: Contacts,
): WriteBatch {
  const contactWrites = [...b.contacts.values()].flatMap((c) => contacts.writes(c));
  return {
    records: [...protocolWrites, ...b.records, ...contactWrites],
    putMessages: b.putMessages,
    deleteMessages: b.deleteMessages,
    putOutbox: [...b.putOutbox, ...b.retryItems],
    seen: [...b.seen],
  };
}

/**
 * The batch's receipts, added to `b.putOutbox`: per sender, the ids join the
 * receipt still waiting in the outbox (decoded and encoded once per batch,
 * not once per message), and what does not fit starts new ones.
 */
export function receiptWrites(b: InboxBatch, pending: Map<string, OutboxItem>, now: number): void {
  for (const [peer, ids] of b.receipts) {
    const open = pending.get(peer);
    let current = open ? (decodeReceiptIds(open) ?? []) : [];
    let id = open ? fromHex(open.id) : randomId();
    let rest = ids;
    for (;;) {
      const room = MAX_RECEIPT_IDS - current.length;
      const all = [...current, ...rest.slice(0, room)];
      rest = rest.slice(room);
      const item = receiptItem(peer, all, now, id);
      b.putOutbox.push(item);
      pending.set(peer, item);
      if (rest.length === 0) break;
      current = [];
      id = randomId();
    }
  }
}

export interface InboxContext {
  readonly store: ClientStore;
  readonly stores: ProtocolStores;
  /** Where the identity key of a sender we never talked to is checked. */
  readonly directory: IdentityDirectory;
  /** The pinned root every sender certificate must chain to. */
  readonly trustRoot: PublicKey;
  readonly contacts: Contacts;
  readonly now: number;
  /** Limits the retry receipts this client sends for messages it cannot decrypt. */
  readonly retries: RetryLimiter;
  readonly batch: InboxBatch;
  /** Our own account id (group membership is decided against it); without it group traffic is ignored. */
  readonly self?: string;
  /** Where our own signed device list is fetched again when a sibling says ours is out of date. */
  readonly servedOwnList?: ServedOwnList;
}

export interface InboxResult {
  /** Ack the envelope once the batch is committed (processed, duplicate, or unreadable). */
  readonly ack: boolean;
  readonly events: ClientEvent[];
}

/** A receipt for `ids`, queued for `peer` (as outbox item `id`, new by default). */
export function receiptItem(peer: string, ids: Uint8Array[], now: number, id = randomId()): OutboxItem {
  const content = encodeContent({ kind: 'receipt', id, sentAt: now, receiptIds: ids });
  return { id: toHex(id), recipient: peer, content, createdAt: now, ttlSeconds: RECEIPT_TTL_SECONDS };
}

function decodeReceiptIds(item: OutboxItem): Uint8Array[] | undefined {
  const c = decodeContent(item.content);
  return c.kind === 'receipt' ? c.receiptIds : undefined;
}

async function seen(ctx: InboxContext, key: string): Promise<boolean> {
  return ctx.batch.seen.has(key) || (await ctx.store.hasSeen(key));
}

/** Processes one envelope into `ctx.batch`. Store failures throw (no ack: it is redelivered). */
export async function receiveEnvelope(ctx: InboxContext, env: IncomingEnvelope): Promise<InboxResult> {
  const envKey = `env:${toHex(env.id)}`;
  if (await seen(ctx, envKey)) return { ack: true, events: [] };
  const mark = ctx.stores.checkpoint();
  let opened: Awaited<ReturnType<typeof decryptEnvelope>>;
  let content: Content | undefined;
  try {
    opened = await decryptEnvelope(ctx.stores, ctx.directory, ctx.trustRoot, env.content, ctx.now, ctx.self);
    if ('kind' in opened && opened.kind === 'claim') return holdApart(ctx, env, opened);
    if ('kind' in opened) content = decodeContent(unpad(opened.plaintext));
  } catch (e) {
    ctx.stores.restore(mark);
    if (e instanceof ProtocolError && e.is('DuplicatedMessage')) return { ack: true, events: [] };
    // A forged first contact: nothing of it is kept (not even the claimed key); the UI is told.
    if (e instanceof ClientError && e.is('ImpersonatedSender'))
      return { ack: true, events: [{ type: 'error', error: e }] };
    if (e instanceof ProtocolError || (e instanceof ClientError && e.is('InvalidContent'))) {
      // It can never be read; keeping it would block the queue forever. Its sender is asked to resend.
      const retry = retryItemFor(e, ctx.retries, env.serverTimestamp, ctx.now);
      if (retry) ctx.batch.retryItems.push(retry);
      const error = new Error(`dropped an unreadable message: ${e.message}`);
      return { ack: true, events: [{ type: 'error', error }] };
    }
    throw e;
  }
  if (content === undefined) {
    ctx.batch.seen.add(envKey);
    return { ack: true, events: await onRetryRequest(ctx, opened as RetryRequest) };
  }
  const from = opened as { sender: string; senderDevice: number };
  return collectContent(ctx, envKey, { accountId: from.sender, deviceId: from.senderDevice }, content);
}

/** Keeps a message from a new key claiming a contact apart, undecrypted (held-apart.ts). */
async function holdApart(ctx: InboxContext, env: IncomingEnvelope, claim: IdentityClaimOpened) {
  const sender = claim.sender;
  const held = ctx.batch.held.get(sender) ?? (await ctx.store.listRecords(heldNs(sender))).length;
  const { contact } = await storedFacts(ctx, sender);
  const name = contact?.name ?? sender;
  if (held >= MAX_HELD_PER_SENDER) {
    const error = new ClientError(
      'ImpersonatedSender',
      `dropped a message from a new key claiming to be ${name}: ${MAX_HELD_PER_SENDER} are already held apart`,
      { accountId: sender },
    );
    return { ack: true, events: [{ type: 'error' as const, error }] };
  }
  const listed = await ctx.directory(sender);
  const identityKey = claim.identityKey.serialize();
  const summary = { identityKey, confirmed: listed?.equals(claim.identityKey) ?? false, held: held + 1 };
  ctx.batch.held.set(sender, held + 1);
  ctx.batch.records.push(...holdWrites(sender, env, summary));
  const event: ClientEvent = {
    type: 'identity-claim',
    claim: { accountId: sender, ...summary },
    name,
  };
  return { ack: true, events: [event] };
}

async function storedFacts(ctx: InboxContext, sender: string) {
  let facts = ctx.batch.known.get(sender);
  if (!facts) {
    const contact = await ctx.contacts.byId(sender);
    const flagged = (await ctx.store.getRecord('untrusted', sender)) !== undefined;
    facts = { contact, flagged };
    ctx.batch.known.set(sender, facts);
  }
  return facts;
}

/** Who sent an envelope: account and device, from its validated sender certificate. */
type Sender = { readonly accountId: string; readonly deviceId: number };

/** Only a 1:1 conversation item makes a stranger a contact (not a receipt, or a group member's traffic). */
function befriends(content: Content): boolean {
  if (content.kind === 'timer') return true;
  return (content.kind === 'text' || content.kind === 'attachment') && content.group === undefined;
}

/**
 * A message from another device of this account — only one of our newest
 * own list: a sync transcript (shown as our own sent message) and group
 * traffic (own-group.ts) mean something; any other kind, and a transcript
 * from anyone else, is dropped.
 */
async function collectOwn(ctx: InboxContext, envKey: string, from: Sender, content: Content) {
  ctx.batch.seen.add(envKey);
  const unlisted = ctx.self ? await unlistedSibling(ctx, from, content.devicesVersion) : undefined;
  if (unlisted) return { ack: true, events: [unlisted] };
  if (ctx.self && isOwnGroupTraffic(content))
    return { ack: true, events: await collectOwnGroup(ctx, from, content) };
  if (content.kind !== 'sync' || !ctx.self) return { ack: true, events: [] };
  const sent = content.sent;
  if (sent.kind === 'action' && sent.action.type === 'read') {
    const conv = formatAccountId(content.to);
    const found = [];
    for (const t of sent.action.targets) found.push(await findByContentId(ctx, conv, toHex(t)));
    const updated = displayedDeadlines(content, found);
    ctx.batch.putMessages.push(...updated);
    return {
      ack: true,
      events: updated.map((m) => ({ type: 'updated' as const, message: { ...m, seq: 0 } })),
    };
  }
  // A reaction, edit or delete made on a sibling: ours, by the same rules as a peer's (apply-action.ts).
  if (sent.kind === 'action')
    return { ack: true, events: await applyAction(ctx, formatAccountId(content.to), sent, selfAuthor) };
  const id = toHex(content.sent.id);
  if (ctx.batch.putMessages.some((m) => m.id === id) || (await ctx.store.getMessage(id)))
    return { ack: true, events: [] };
  const peer = formatAccountId(content.to);
  const contact = ctx.batch.contacts.get(peer) ?? (await storedFacts(ctx, peer)).contact;
  const r = applySync(content, contact, ctx.self, ctx.now);
  if (r.message) ctx.batch.putMessages.push(r.message);
  if (r.contact) ctx.batch.contacts.set(peer, r.contact);
  return { ack: true, events: r.events };
}

async function collectContent(ctx: InboxContext, envKey: string, from: Sender, content: Content) {
  const sender = from.accountId;
  if (sender === ctx.self) return collectOwn(ctx, envKey, from, content);
  if (content.kind === 'sync') {
    ctx.batch.seen.add(envKey);
    return { ack: true, events: [] };
  }
  const contentKey = `content:${sender}:${toHex(content.id)}`;
  const duplicate = await seen(ctx, contentKey);
  ctx.batch.seen.add(envKey).add(contentKey);
  const events: ClientEvent[] = [];
  if (await listOutOfDate(ctx.stores, sender, from.deviceId, content.devicesVersion))
    ctx.batch.devicesStale.add(sender);
  const stored = await storedFacts(ctx, sender);
  const known = ctx.batch.contacts.get(sender) ?? stored.contact;
  let contact: Contact = known ?? {
    accountId: sender,
    name: sender,
    timerSeconds: DEFAULT_TIMER_SECONDS,
    addedAt: ctx.now,
  };
  if (!duplicate) {
    const r = await applyContent(ctx, contact, content, from);
    contact = r.contact;
    events.push(...r.events);
    if (known ? contact !== known : befriends(content)) ctx.batch.contacts.set(sender, contact);
  }
  const flagged = ctx.batch.untrusted.has(sender) || stored.flagged;
  if (!flagged && (await identityUntrusted(ctx.stores, sender))) {
    ctx.batch.untrusted.add(sender);
    ctx.batch.records.push({ ns: 'untrusted', key: sender, value: new Uint8Array([1]) });
    events.push({ type: 'identity-changed', contact });
  }
  return { ack: true, events };
}

async function applyContent(ctx: InboxContext, contact: Contact, content: Content, from: Sender) {
  const events: ClientEvent[] = [];
  if (content.kind === 'receipt') {
    for (const id of content.receiptIds) {
      const m = await ctx.store.getMessage(toHex(id));
      if (m?.direction === 'out' && isGroupConversation(m.conversationId)) {
        const updated = markGroupDelivery(m, from, ctx.now);
        if (updated) ctx.batch.putMessages.push(updated);
        if (updated) events.push({ type: 'updated', message: updated });
        continue;
      }
      if (m?.direction !== 'out' || m.conversationId !== contact.accountId || m.status === 'delivered')
        continue;
      const updated = startSenderCountdown({ ...m, status: 'delivered' as const }, ctx.now);
      ctx.batch.putMessages.push(updated);
      events.push({ type: 'updated', message: updated });
    }
    return { contact, events };
  }
  if (content.kind === 'action' && content.group) {
    // In a group: only from a current member, and only on that group's messages.
    const target = await groupMessageTarget(ctx, from, content.group);
    if (target.conversationId === undefined) return { contact, events: target.events };
    const author = memberAuthor(from.accountId);
    const applied = await applyMessageAction(ctx, target.conversationId, author, content);
    return { contact, events: [...target.events, ...applied] };
  }
  if (content.kind === 'action')
    return { contact, events: await applyAction(ctx, contact.accountId, content) };
  if (content.kind === 'group') return { contact, events: await applyGroupControl(ctx, from, content) };
  if (content.kind === 'sync') return { contact, events }; // only ever from our own devices (collectOwn)
  let conversationId = contact.accountId;
  let next = contact;
  if (content.kind !== 'timer' && content.group) {
    const target = await groupMessageTarget(ctx, from, content.group);
    events.push(...target.events);
    if (target.conversationId === undefined) return { contact, events };
    conversationId = target.conversationId;
  } else next = advanceConversation(contact, content);
  const item: Omit<MessageRecord, 'seq'> = {
    // A fresh local id: a peer must not be able to overwrite our items by reusing ids.
    id: toHex(randomId()),
    conversationId,
    ...(conversationId !== contact.accountId ? { from: contact.accountId } : {}),
    direction: 'in',
    kind: content.kind,
    body: content.kind === 'timer' ? '' : content.body,
    ...(content.kind === 'attachment' ? { attachment: content.pointer } : {}),
    sentAt: content.sentAt,
    clock: content.clock,
    receivedAt: ctx.now,
    timerSeconds: content.timerSeconds,
    expiresAt: null,
    status: 'received',
    contentId: toHex(content.id),
    ...(content.kind === 'text' && content.replyTo ? { replyTo: toHex(content.replyTo) } : {}),
  };
  ctx.batch.putMessages.push(item);
  events.push({ type: 'message', message: { ...item, seq: 0 } });
  const ids = ctx.batch.receipts.get(contact.accountId);
  if (ids) ids.push(content.id);
  else ctx.batch.receipts.set(contact.accountId, [content.id]);
  return { contact: next, events };
}

/**
 * The conversation after a peer's text or timer change: its Lamport clock
 * moves up to the content's, and a timer change takes effect only if its
 * version is newer than the one in force. An older change (held back by the
 * server, or concurrent and losing the tie-break) is kept in history but
 * changes nothing. A text's own timer is only that message's lifetime: it
 * never changes the conversation's timer.
 */
function advanceConversation(
  contact: Contact,
  content: Content & { kind: 'text' | 'timer' | 'attachment' },
): Contact {
  const clock = Math.max(contact.clock ?? 0, content.clock);
  let next = clock === (contact.clock ?? 0) ? contact : { ...contact, clock };
  if (content.kind !== 'timer') return next;
  const version = { clock: content.clock, sentAt: content.sentAt, by: contact.accountId };
  if (compareVersions(version, contact.timerVersion ?? DEFAULT_VERSION) > 0)
    next = { ...next, timerSeconds: content.timerSeconds, timerVersion: version };
  return next;
}
