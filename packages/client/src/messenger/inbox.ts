/**
 * Turns one delivered envelope into stored state: de-duplicate, decrypt,
 * decode, then commit the ratchet step, the conversation item, the delivery
 * receipt to send back and the de-duplication ids in ONE batch. Only after
 * that commit may the envelope be acked (the server then deletes it).
 */
import { ProtocolError } from '@tacet/protocol';
import type { Contact, Contacts } from '../contacts.js';
import { type Content, decodeContent, encodeContent, MAX_RECEIPT_IDS } from '../content/content.js';
import { unpad } from '../content/padding.js';
import { ClientError } from '../errors.js';
import type { ClientEvent } from '../events.js';
import type { ProtocolStores } from '../sessions/protocol-stores.js';
import type { ClientStore, MessageRecord, OutboxItem, WriteBatch } from '../store/types.js';
import { DEFAULT_TIMER_SECONDS } from '../timers/duration.js';
import type { IncomingEnvelope } from '../transport/connection.js';
import { fromHex, randomId, toHex } from '../util.js';
import { decryptEnvelope, identityUntrusted } from './peer-crypto.js';

/** Receipts may sit on the server for a day; after that nobody waits for them. */
const RECEIPT_TTL_SECONDS = 24 * 3600;

export interface InboxContext {
  readonly store: ClientStore;
  readonly stores: ProtocolStores;
  readonly contacts: Contacts;
  readonly now: number;
  /** Receipts stored but not yet taken by the outbox, per peer: new ids join them. */
  readonly pendingReceipts: Map<string, OutboxItem>;
}

export interface InboxResult {
  /** Ack the envelope (processed, duplicate, or permanently undecryptable). */
  readonly ack: boolean;
  readonly events: ClientEvent[];
}

/** A receipt for `ids`, queued for `peer`. */
export function receiptItem(peer: string, ids: Uint8Array[], now: number): OutboxItem {
  const id = randomId();
  const content = encodeContent({ kind: 'receipt', id, sentAt: now, receiptIds: ids });
  return { id: toHex(id), recipient: peer, content, createdAt: now, ttlSeconds: RECEIPT_TTL_SECONDS };
}

/**
 * The receipt to store for a newly received `contentId`: the peer's pending
 * receipt grown by one id (one receipt answers a whole backlog), or a new one.
 */
export function addReceipt(
  pending: Map<string, OutboxItem>,
  peer: string,
  contentId: Uint8Array,
  now: number,
): OutboxItem {
  const open = pending.get(peer);
  const ids = open ? [...(decodeReceiptIds(open) ?? []), contentId] : [contentId];
  let item: OutboxItem;
  if (open && ids.length <= MAX_RECEIPT_IDS) {
    const content = encodeContent({ kind: 'receipt', id: fromHex(open.id), sentAt: now, receiptIds: ids });
    item = { ...open, content };
  } else item = receiptItem(peer, [contentId], now);
  pending.set(peer, item);
  return item;
}

function decodeReceiptIds(item: OutboxItem): Uint8Array[] | undefined {
  const c = decodeContent(item.content);
  return c.kind === 'receipt' ? c.receiptIds : undefined;
}

/** Processes one envelope. Store failures throw (no ack, so it is redelivered). */
export async function receiveEnvelope(ctx: InboxContext, env: IncomingEnvelope): Promise<InboxResult> {
  const envKey = `env:${toHex(env.id)}`;
  if (await ctx.store.hasSeen(envKey)) return { ack: true, events: [] };
  let opened: Awaited<ReturnType<typeof decryptEnvelope>>;
  let content: Content;
  try {
    opened = await decryptEnvelope(ctx.stores, env.content, ctx.now);
    content = decodeContent(unpad(opened.plaintext));
  } catch (e) {
    ctx.stores.discard();
    if (e instanceof ProtocolError && e.is('DuplicatedMessage')) return { ack: true, events: [] };
    if (e instanceof ProtocolError || (e instanceof ClientError && e.is('InvalidContent'))) {
      // It can never be read; keeping it would block the queue forever.
      return {
        ack: true,
        events: [{ type: 'error', error: new Error(`dropped an unreadable message: ${e.message}`) }],
      };
    }
    throw e;
  }
  return commitContent(ctx, envKey, opened.sender, content);
}

async function commitContent(
  ctx: InboxContext,
  envKey: string,
  sender: string,
  content: Content,
): Promise<InboxResult> {
  const contentKey = `content:${sender}:${toHex(content.id)}`;
  const duplicate = await ctx.store.hasSeen(contentKey);
  const batch: WriteBatch & { records: NonNullable<WriteBatch['records']>[number][] } = {
    records: [],
    seen: [envKey, contentKey],
  };
  const events: ClientEvent[] = [];
  const untrustedBefore = await ctx.store.getRecord('untrusted', sender);
  const known = await ctx.contacts.byId(sender);
  let contact: Contact = known ?? {
    accountId: sender,
    name: sender,
    timerSeconds: DEFAULT_TIMER_SECONDS,
    addedAt: ctx.now,
  };
  if (!duplicate) {
    const r = await applyContent(ctx, contact, content);
    contact = r.contact;
    events.push(...r.events);
    Object.assign(batch, { putMessages: r.messages, putOutbox: r.outbox });
  }
  const untrusted = await identityUntrusted(ctx.stores, sender);
  batch.records.push(...ctx.stores.takeWrites());
  if (!duplicate && (!known || contact !== known)) batch.records.push(...ctx.contacts.writes(contact));
  if (untrusted && !untrustedBefore) {
    batch.records.push({ ns: 'untrusted', key: sender, value: new Uint8Array([1]) });
    events.push({ type: 'identity-changed', contact });
  }
  await ctx.store.apply(batch);
  return { ack: true, events };
}

async function applyContent(ctx: InboxContext, contact: Contact, content: Content) {
  const messages: Omit<MessageRecord, 'seq'>[] = [];
  const events: ClientEvent[] = [];
  const outbox: OutboxItem[] = [];
  if (content.kind === 'receipt') {
    for (const id of content.receiptIds) {
      const m = await ctx.store.getMessage(toHex(id));
      if (m?.direction !== 'out' || m.conversationId !== contact.accountId || m.status === 'delivered')
        continue;
      const updated = { ...m, status: 'delivered' as const };
      messages.push(updated);
      events.push({ type: 'updated', message: updated });
    }
    return { contact, messages, events, outbox };
  }
  // A text carries the sender's timer; a different one updates ours, as a timer change would.
  const next =
    contact.timerSeconds === content.timerSeconds
      ? contact
      : { ...contact, timerSeconds: content.timerSeconds };
  const item: Omit<MessageRecord, 'seq'> = {
    // A fresh local id: a peer must not be able to overwrite our items by reusing ids.
    id: toHex(randomId()),
    conversationId: contact.accountId,
    direction: 'in',
    kind: content.kind,
    body: content.kind === 'text' ? content.body : '',
    sentAt: content.sentAt,
    receivedAt: ctx.now,
    timerSeconds: content.timerSeconds,
    expiresAt: null,
    status: 'received',
  };
  messages.push(item);
  events.push({ type: 'message', message: { ...item, seq: 0 } });
  outbox.push(addReceipt(ctx.pendingReceipts, contact.accountId, content.id, ctx.now));
  return { contact: next, messages, events, outbox };
}
