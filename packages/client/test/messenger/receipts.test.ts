/**
 * One receipt per sender per batch (inbox.ts receiptWrites): a batch's ids
 * join the receipt still waiting in the outbox for that sender, beyond the
 * receipt's capacity a new one starts, and each sender gets its own.
 */
import { describe, expect, it } from 'vitest';
import { decodeContent, MAX_RECEIPT_IDS } from '../../src/content/content.js';
import { newInboxBatch, receiptWrites } from '../../src/messenger/inbox.js';
import type { OutboxItem } from '../../src/store/types.js';

const cid = (n: number) => new Uint8Array(16).fill(n & 0xff);
const idsOf = (o: OutboxItem) => {
  const c = decodeContent(o.content);
  return c.kind === 'receipt' ? c.receiptIds.length : -1;
};

describe('receipts per batch', () => {
  it('writes one receipt per sender, grown from the one still waiting', () => {
    const pending = new Map<string, OutboxItem>();
    const first = newInboxBatch();
    first.receipts.set('alice', [cid(1), cid(2)]);
    first.receipts.set('carol', [cid(3)]);
    receiptWrites(first, pending, 10);
    expect(first.putOutbox.map((o) => [o.recipient, idsOf(o)])).toEqual([
      ['alice', 2],
      ['carol', 1],
    ]);
    const second = newInboxBatch();
    second.receipts.set('alice', [cid(4)]);
    receiptWrites(second, pending, 20);
    expect(second.putOutbox).toHaveLength(1);
    expect(second.putOutbox[0]?.id).toBe(first.putOutbox[0]?.id); // same outbox item, replaced
    expect(idsOf(second.putOutbox[0] as OutboxItem)).toBe(3);
  });

  it('starts a new receipt where one is full', () => {
    const pending = new Map<string, OutboxItem>();
    const b = newInboxBatch();
    b.receipts.set(
      'alice',
      Array.from({ length: MAX_RECEIPT_IDS + 5 }, (_, i) => cid(i)),
    );
    receiptWrites(b, pending, 10);
    expect(b.putOutbox.map(idsOf)).toEqual([MAX_RECEIPT_IDS, 5]);
    expect(pending.get('alice')?.id).toBe(b.putOutbox[1]?.id);
  });
});
