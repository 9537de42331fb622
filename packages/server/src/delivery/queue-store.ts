/**
 * Port for the durable per-device message queues. `enqueue` resolves only
 * after the envelopes are durably committed (the sender's ack depends on it);
 * adapters are free to share one commit among concurrent calls.
 */

export interface OutgoingCopy {
  accountId: Uint8Array;
  deviceId: number;
  content: Uint8Array;
}

/** One logical message for one or many devices, stored all-or-nothing. */
export interface EnqueueRequest {
  /** Client-chosen 16-byte id; unique per recipient device while queued. */
  id: Uint8Array;
  serverTimestamp: number;
  expiresAt: number;
  copies: OutgoingCopy[];
}

export type EnqueueResult =
  | { ok: true /** Copies actually added (a resend adds none). */; stored: number }
  | { ok: false; code: 'unknown_recipient' | 'queue_full'; failedIndexes: number[] };

/** A copy that {@link QueueStore.enqueueEach} did not store, by index into `copies`. */
export interface RefusedCopy {
  index: number;
  code: 'unknown_recipient' | 'queue_full';
}

/** Outcome of {@link QueueStore.enqueueEach}: what was stored and, per copy, what was not. */
export interface EnqueueEachResult {
  /** Copies actually added (a resend adds none). */
  stored: number;
  /** Ascending by index. */
  refused: RefusedCopy[];
}

export interface StoredEnvelope {
  /**
   * Queue order: strictly increasing per device while any connection may hold
   * a cursor. Adapters derive it from a clock, never from a lifetime counter
   * (a seized database must not tell how much traffic a device had).
   */
  seq: number;
  id: Uint8Array;
  content: Uint8Array;
  serverTimestamp: number;
  expiresAt: number;
}

export interface QueueStore {
  /** Durably stores every copy, or none (unknown device, full queue). */
  enqueue(request: EnqueueRequest, maxQueueLength: number): Promise<EnqueueResult>;
  /**
   * Durably stores, in one commit, every copy whose device exists and has
   * room, and reports each other copy (a group fan-out: one member's full
   * queue must not hold back the others).
   */
  enqueueEach(request: EnqueueRequest, maxQueueLength: number): Promise<EnqueueEachResult>;
  /** Unexpired envelopes of a device with seq > afterSeq, oldest first. */
  fetch(
    accountId: Uint8Array,
    deviceId: number,
    afterSeq: number,
    limit: number,
    now: number,
  ): Promise<StoredEnvelope[]>;
  /** Deletes acked envelopes; resolves how many existed. */
  ack(accountId: Uint8Array, deviceId: number, ids: Uint8Array[]): Promise<number>;
  /** Deletes up to `limit` envelopes whose expiry is <= now; resolves how many. */
  deleteExpired(now: number, limit: number): Promise<number>;
  /** Envelopes waiting for a device. */
  queueLength(accountId: Uint8Array, deviceId: number): Promise<number>;
}
