/**
 * Storage encodings of this adapter's sealed rows (its own schema, separate
 * from the wire format). Inputs come out of authenticated blobs but are still
 * checked: a mismatch means a corrupt or foreign database.
 */
import { ClientError, type MessageRecord, type OutboxItem, type RecordEntry } from '@tacet/client';

const te = new TextEncoder();
const td = new TextDecoder('utf-8', { fatal: true });

function corrupt(what: string): never {
  throw new ClientError('StoreCorrupt', `stored ${what} is malformed`);
}

function parse(bytes: Uint8Array, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(td.decode(bytes));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below as a typed error
  }
  return corrupt(what);
}

/** A sealed record carries its own key so `listRecords` can return it. */
export function encodeRecord(key: string, value: Uint8Array): Uint8Array {
  const k = te.encode(key);
  const out = new Uint8Array(4 + k.length + value.length);
  new DataView(out.buffer).setUint32(0, k.length);
  out.set(k, 4);
  out.set(value, 4 + k.length);
  return out;
}

export function decodeRecord(bytes: Uint8Array): RecordEntry {
  if (bytes.length < 4) corrupt('record');
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (bytes.length < 4 + len) corrupt('record');
  return { key: td.decode(bytes.subarray(4, 4 + len)), value: bytes.slice(4 + len) };
}

type SealedMessage = Omit<MessageRecord, 'seq' | 'id' | 'expiresAt'>;

export function encodeMessage(m: Omit<MessageRecord, 'seq'>): Uint8Array {
  const { conversationId, direction, kind, body, sentAt, receivedAt, timerSeconds, status } = m;
  return te.encode(
    JSON.stringify({ conversationId, direction, kind, body, sentAt, receivedAt, timerSeconds, status }),
  );
}

export function decodeMessage(bytes: Uint8Array): SealedMessage {
  const v = parse(bytes, 'message');
  const ok =
    typeof v.conversationId === 'string' &&
    (v.direction === 'in' || v.direction === 'out') &&
    (v.kind === 'text' || v.kind === 'timer') &&
    typeof v.body === 'string' &&
    typeof v.sentAt === 'number' &&
    typeof v.receivedAt === 'number' &&
    typeof v.timerSeconds === 'number' &&
    ['pending', 'sent', 'delivered', 'received'].includes(v.status as string);
  if (!ok) corrupt('message');
  return v as unknown as SealedMessage;
}

export function encodeOutbox(o: OutboxItem): Uint8Array {
  const { id, recipient, createdAt, ttlSeconds } = o;
  const head = te.encode(JSON.stringify({ id, recipient, createdAt, ttlSeconds }));
  return encodeRecord(td.decode(head), o.content);
}

export function decodeOutbox(bytes: Uint8Array): OutboxItem {
  const { key, value } = decodeRecord(bytes);
  const v = parse(te.encode(key), 'outbox item');
  const ok =
    typeof v.id === 'string' &&
    typeof v.recipient === 'string' &&
    typeof v.createdAt === 'number' &&
    typeof v.ttlSeconds === 'number';
  if (!ok) corrupt('outbox item');
  return { ...(v as Omit<OutboxItem, 'content'>), content: value };
}
