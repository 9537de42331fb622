/**
 * The versioned read path: a profile written by the v1 stores (before one
 * codec served both adapters) is read once, re-encoded in v2 and replaced
 * atomically. v1 layouts: records were `u16 key length ‖ key ‖ value`
 * (SQLite) or `u32 ...` (IndexedDB); message bodies were JSON without their
 * order number (kept in the clear); outbox items were JSON with base64
 * content (SQLite) or a u32-framed JSON head ‖ content (IndexedDB); the
 * de-duplication table kept a clear receive time per id, which the upgrade
 * drops (issue 9, item 7). Message keys do not change.
 */
import type { AtRestKeys } from './at-rest.js';
import {
  checkMessageFields,
  checkOutboxFields,
  corrupt,
  encodeMessage,
  encodeOutbox,
  encodeRecord,
  parseJson,
  type StoredMessage,
} from './codec.js';
import { emptyChanges, type LegacyRows, type RowChanges } from './rows.js';
import { SEEN_TAG_BYTES, SeenRing } from './seen-ring.js';

const td = new TextDecoder('utf-8', { fatal: true });

function lengthPrefixed(bytes: Uint8Array, width: 2 | 4, what: string): { head: string; tail: Uint8Array } {
  if (bytes.length < width) corrupt(what);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = width === 2 ? v.getUint16(0) : v.getUint32(0);
  if (bytes.length < width + len) corrupt(what);
  try {
    return { head: td.decode(bytes.subarray(width, width + len)), tail: bytes.slice(width + len) };
  } catch {
    return corrupt(what);
  }
}

function fromB64(s: string): Uint8Array {
  const bin = atob(s);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function legacyOutbox(plain: Uint8Array, layout: LegacyRows['layout']) {
  if (layout === 'indexeddb-v1') {
    const { head, tail } = lengthPrefixed(plain, 4, 'outbox item');
    const v = checkOutboxFields(parseJson(new TextEncoder().encode(head), 'outbox item'));
    return { v, content: tail };
  }
  const v = checkOutboxFields(parseJson(plain, 'outbox item'));
  if (typeof v.content !== 'string') corrupt('outbox item');
  return { v, content: fromB64(v.content as string) };
}

/** The v2 rows of a v1 profile, its order counter and its de-duplication ring. */
export function upgradeV1(
  legacy: LegacyRows,
  keys: AtRestKeys,
  aad: { key(id: string): Uint8Array; outbox(id: string): Uint8Array; message(id: string): Uint8Array },
): { changes: RowChanges; ring: SeenRing; nextSeq: number } {
  const changes = emptyChanges();
  const width = legacy.layout === 'sqlite-v1' ? 2 : 4;
  for (const r of legacy.records) {
    const { head, tail } = lengthPrefixed(keys.open(r.value, r.tag), width, 'record');
    changes.putRecords.push({ ...r, value: keys.seal(encodeRecord({ key: head, value: tail }), r.tag) });
  }
  // Order numbers are renumbered densely: v1's gaps counted the messages that had expired.
  const messages = [...legacy.messages].sort((a, b) => a.seq - b.seq);
  let next = 1;
  for (const m of messages) {
    const key = keys.open(m.sealedKey, aad.key(m.row.id));
    const old = checkMessageFields(
      parseJson(keys.aead.open(key, m.row.body, aad.message(m.row.id)), 'message'),
    );
    const stored = { ...(old as unknown as Omit<StoredMessage, 'seq'>), seq: next++ };
    const body = keys.aead.seal(key, encodeMessage(stored), aad.message(m.row.id));
    key.fill(0);
    changes.putMessages.push({ row: { ...m.row, body }, sealedKey: m.sealedKey });
  }
  const outbox = [...legacy.outbox].sort((a, b) => a.createdAt - b.createdAt);
  for (const o of outbox) {
    const { v, content } = legacyOutbox(keys.open(o.body, aad.outbox(o.id)), legacy.layout);
    const item = {
      id: v.id as string,
      recipient: v.recipient as string,
      createdAt: v.createdAt as number,
      ttlSeconds: v.ttlSeconds as number,
      content,
      ord: next++,
    };
    changes.putOutbox.push({ id: o.id, body: keys.seal(encodeOutbox(item), aad.outbox(o.id)) });
  }
  const ring = SeenRing.fresh();
  for (const t of legacy.seenTags) ring.add(t.subarray(0, SEEN_TAG_BYTES));
  return { changes, ring, nextSeq: next };
}
