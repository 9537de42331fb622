/**
 * Storage encodings of this adapter's sealed rows (its own schema, separate
 * from the wire format). Inputs come out of authenticated blobs but are still
 * checked: a mismatch means a corrupt or foreign database.
 *
 * Messages use the client SDK's encoding; records and outbox items keep this
 * adapter's own layout (u32 key length, raw outbox content), which existing
 * browser profiles already hold on disk.
 */
import { type OutboxItem, parseStoredJson, type RecordEntry, storeCorrupt } from '@tacet/client';

export { decodeStoredMessage as decodeMessage, encodeStoredMessage as encodeMessage } from '@tacet/client';

const te = new TextEncoder();
const td = new TextDecoder('utf-8', { fatal: true });

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
  if (bytes.length < 4) storeCorrupt('record');
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (bytes.length < 4 + len) storeCorrupt('record');
  return { key: td.decode(bytes.subarray(4, 4 + len)), value: bytes.slice(4 + len) };
}

export function encodeOutbox(o: OutboxItem): Uint8Array {
  const { id, recipient, createdAt, ttlSeconds } = o;
  const head = te.encode(JSON.stringify({ id, recipient, createdAt, ttlSeconds }));
  return encodeRecord(td.decode(head), o.content);
}

export function decodeOutbox(bytes: Uint8Array): OutboxItem {
  const { key, value } = decodeRecord(bytes);
  const v = parseStoredJson(te.encode(key), 'outbox item');
  const ok =
    typeof v.id === 'string' &&
    typeof v.recipient === 'string' &&
    typeof v.createdAt === 'number' &&
    typeof v.ttlSeconds === 'number';
  if (!ok) storeCorrupt('outbox item');
  return { ...(v as Omit<OutboxItem, 'content'>), content: value };
}
