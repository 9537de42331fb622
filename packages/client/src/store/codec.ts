/**
 * The one storage encoding of the client's sealed rows, for every adapter
 * (SQLite, IndexedDB): what goes inside each AES-GCM blob. Separate from the
 * wire format, so either can change alone. Every v2 plaintext starts with
 * its format byte; the v1 layouts (which differed per adapter) are decoded
 * only by the upgrade in legacy-upgrade.ts. Inputs come out of authenticated
 * blobs but are still checked: a mismatch means a corrupt or foreign store.
 */
import { decodePointer, encodePointer } from '../attachments/pointer.js';
import { ClientError } from '../errors.js';
import type { MessageRecord, OutboxItem, RecordEntry } from './types.js';

/** First byte of every v2 plaintext. */
export const FORMAT_V2 = 2;

const te = new TextEncoder();
const td = new TextDecoder('utf-8', { fatal: true });

/** Throws the typed error for a stored value that does not decode. */
export function corrupt(what: string): never {
  throw new ClientError('StoreCorrupt', `stored ${what} is malformed`);
}

function parseJson(bytes: Uint8Array, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(td.decode(bytes));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through to the typed error
  }
  return corrupt(what);
}

/** format byte ‖ u32 head length ‖ head ‖ tail: the frame of records and outbox items. */
function frame(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + head.length + tail.length);
  out[0] = FORMAT_V2;
  new DataView(out.buffer).setUint32(1, head.length);
  out.set(head, 5);
  out.set(tail, 5 + head.length);
  return out;
}

function unframe(bytes: Uint8Array, what: string): { head: Uint8Array; tail: Uint8Array } {
  if (bytes.length < 5 || bytes[0] !== FORMAT_V2) corrupt(what);
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1);
  if (bytes.length < 5 + len) corrupt(what);
  return { head: bytes.subarray(5, 5 + len), tail: bytes.slice(5 + len) };
}

/** A record carries its own key, so `listRecords` can return it. */
export function encodeRecord(entry: RecordEntry): Uint8Array {
  return frame(te.encode(entry.key), entry.value);
}

export function decodeRecord(bytes: Uint8Array): RecordEntry {
  const { head, tail } = unframe(bytes, 'record');
  try {
    return { key: td.decode(head), value: tail };
  } catch {
    return corrupt('record');
  }
}

/** A message's sealed body: everything but id and deadline, order included (it must not sit in the clear). */
export type StoredMessage = Omit<MessageRecord, 'id' | 'expiresAt'>;

const STATUSES: readonly string[] = ['pending', 'sent', 'delivered', 'read', 'received'];

export function encodeMessage(m: StoredMessage): Uint8Array {
  const { conversationId, direction, kind, body, sentAt, clock, receivedAt, timerSeconds, status, seq } = m;
  const json: Record<string, unknown> = {
    conversationId,
    direction,
    kind,
    body,
    sentAt,
    clock,
    receivedAt,
    timerSeconds,
    status,
    seq,
  };
  // Later optional fields (issue 14): present only when set, so older rows read unchanged.
  for (const k of ['contentId', 'replyTo', 'editedAt', 'reactions', 'from', 'delivery'] as const)
    if (m[k] !== undefined) json[k] = m[k];
  // The pointer (with its key) rides in the sealed tail, in its own codec.
  return frame(
    te.encode(JSON.stringify(json)),
    m.attachment ? encodePointer(m.attachment) : new Uint8Array(0),
  );
}

export function decodeMessage(bytes: Uint8Array): StoredMessage {
  const { head, tail } = unframe(bytes, 'message');
  const v = parseJson(head, 'message');
  if (!Number.isSafeInteger(v.seq)) corrupt('message');
  const m = checkMessageFields(v) as unknown as StoredMessage;
  if (m.kind !== 'attachment') return m;
  try {
    return { ...m, attachment: decodePointer(tail) };
  } catch {
    return corrupt('message');
  }
}

/** The fields every stored message has had since v1. */
export function checkMessageFields(v: Record<string, unknown>): Record<string, unknown> {
  const ok =
    typeof v.conversationId === 'string' &&
    (v.direction === 'in' || v.direction === 'out') &&
    (v.kind === 'text' || v.kind === 'timer' || v.kind === 'attachment') &&
    typeof v.body === 'string' &&
    typeof v.sentAt === 'number' &&
    (v.clock === undefined || typeof v.clock === 'number') &&
    typeof v.receivedAt === 'number' &&
    typeof v.timerSeconds === 'number' &&
    STATUSES.includes(v.status as string);
  if (!ok) corrupt('message');
  return v;
}

/** An outbox item with its queue position (sealed, like message order). */
export interface StoredOutbox extends OutboxItem {
  readonly ord: number;
}

export function encodeOutbox(o: StoredOutbox): Uint8Array {
  const { id, recipient, createdAt, ttlSeconds, ord } = o;
  return frame(te.encode(JSON.stringify({ id, recipient, createdAt, ttlSeconds, ord })), o.content);
}

export function decodeOutbox(bytes: Uint8Array): StoredOutbox {
  const { head, tail } = unframe(bytes, 'outbox item');
  const v = checkOutboxFields(parseJson(head, 'outbox item'));
  if (!Number.isSafeInteger(v.ord)) corrupt('outbox item');
  return { ...(v as unknown as Omit<StoredOutbox, 'content'>), content: tail };
}

export function checkOutboxFields(v: Record<string, unknown>): Record<string, unknown> {
  const ok =
    typeof v.id === 'string' &&
    typeof v.recipient === 'string' &&
    typeof v.createdAt === 'number' &&
    typeof v.ttlSeconds === 'number';
  if (!ok) corrupt('outbox item');
  return v;
}

export { parseJson };
