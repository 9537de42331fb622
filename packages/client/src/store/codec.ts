/**
 * Storage encodings of the client's records (separate from the wire format,
 * so either can change alone). Inputs come out of authenticated sealed blobs,
 * but are still checked: a mismatch means a corrupt or foreign store.
 */
import { ClientError } from '../errors.js';
import type { MessageRecord, OutboxItem, RecordEntry } from './types.js';

const te = new TextEncoder();
const td = new TextDecoder('utf-8', { fatal: true });

/** Throws the typed error for a stored value that does not decode. */
export function corrupt(what: string): never {
  throw new ClientError('StoreCorrupt', `stored ${what} is malformed`);
}

/** Parses a stored JSON object, or throws `StoreCorrupt`. */
export function parseJson(bytes: Uint8Array, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(td.decode(bytes));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through to the typed error
  }
  return corrupt(what);
}

/** Key and value in one buffer: u16 key length, UTF-8 key, value. */
export function encodeRecord(entry: RecordEntry): Uint8Array {
  const key = te.encode(entry.key);
  if (key.length > 0xffff) throw new RangeError('record key longer than 65535 bytes');
  const out = new Uint8Array(2 + key.length + entry.value.length);
  out[0] = key.length >> 8;
  out[1] = key.length & 0xff;
  out.set(key, 2);
  out.set(entry.value, 2 + key.length);
  return out;
}

export function decodeRecord(bytes: Uint8Array): RecordEntry {
  if (bytes.length < 2) corrupt('record');
  const len = ((bytes[0] as number) << 8) | (bytes[1] as number);
  if (bytes.length < 2 + len) corrupt('record');
  return { key: td.decode(bytes.subarray(2, 2 + len)), value: bytes.slice(2 + len) };
}

type StoredMessage = Omit<MessageRecord, 'seq' | 'id' | 'expiresAt'>;

/** A message's sealed body: everything but the columns the store keeps in the clear. */
export function encodeMessage(m: Omit<MessageRecord, 'seq'>): Uint8Array {
  const { conversationId, direction, kind, body, sentAt, receivedAt, timerSeconds, status } = m;
  return te.encode(
    JSON.stringify({ conversationId, direction, kind, body, sentAt, receivedAt, timerSeconds, status }),
  );
}

/** Decodes and checks a body written by `encodeMessage`. */
export function decodeMessage(bytes: Uint8Array): StoredMessage {
  const v = parseJson(bytes, 'message');
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
  return v as unknown as StoredMessage;
}

function toB64(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

function fromB64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function encodeOutbox(o: OutboxItem): Uint8Array {
  const { id, recipient, createdAt, ttlSeconds } = o;
  return te.encode(JSON.stringify({ id, recipient, createdAt, ttlSeconds, content: toB64(o.content) }));
}

export function decodeOutbox(bytes: Uint8Array): OutboxItem {
  const v = parseJson(bytes, 'outbox item');
  const ok =
    typeof v.id === 'string' &&
    typeof v.recipient === 'string' &&
    typeof v.createdAt === 'number' &&
    typeof v.ttlSeconds === 'number' &&
    typeof v.content === 'string';
  if (!ok) corrupt('outbox item');
  return {
    id: v.id as string,
    recipient: v.recipient as string,
    createdAt: v.createdAt as number,
    ttlSeconds: v.ttlSeconds as number,
    content: fromB64(v.content as string),
  };
}

export { fromB64, toB64 };
