/**
 * Incoming envelopes, in arrival order, processed in groups: each group is
 * decrypted envelope by envelope, committed in one transaction, then acked
 * at once. Live traffic makes groups of one; a backlog after reconnecting
 * makes large ones, so its cost is dominated by decryption, not by commits.
 */

import type { PublicKey } from '@tacet/protocol';
import type { Contacts } from '../contacts.js';
import type { ServedOwnList } from '../devices/own-list-refresh.js';
import type { ClientEvent } from '../events.js';
import type { ProtocolStores } from '../sessions/protocol-stores.js';
import type { OutboxItem, WriteBatch } from '../store/types.js';
import type { WriteBehindStore } from '../store/write-behind.js';
import type { Clock } from '../timers/clock.js';
import type { Connection, IncomingEnvelope } from '../transport/connection.js';
import type { Mutex } from '../util.js';
import { type InboxBatch, newInboxBatch, receiptWrites, receiveEnvelope, toWriteBatch } from './inbox.js';
import type { IdentityDirectory } from './peer-crypto.js';
import type { ReceiptWindow } from './receipt-window.js';
import type { RetryLimiter } from './retry.js';

/** Envelopes per transaction: big enough to amortize a commit, small enough to ack promptly. */
const GROUP = 256;
/**
 * While the server is still handing over the stored queue, a short group
 * waits this long for more envelopes before it is processed, so that a
 * backlog commits in full groups instead of in whatever trickled in (Signal
 * Desktop's receiver waits 75 ms for up to 30). Live traffic never waits.
 */
const BACKLOG_FILL_MS = 15;

export interface InboxQueueOptions {
  readonly store: WriteBehindStore;
  readonly stores: ProtocolStores;
  readonly directory: IdentityDirectory;
  /** The pinned trust root (fetched once for a profile made before pinning). */
  readonly trustRoot: () => Promise<PublicKey>;
  readonly contacts: Contacts;
  readonly clock: Clock;
  readonly lock: Mutex;
  /** Our own account id (group traffic is judged against it). */
  readonly self?: string;
  /** Fetches our own signed device list as served now (devices/own-list-refresh.ts). */
  readonly servedOwnList?: ServedOwnList;
  readonly pendingReceipts: Map<string, OutboxItem>;
  /** Decides whether a sender's receipt is sealed with this batch or gathers more ids first (receipt-window.ts). */
  readonly receiptWindow: ReceiptWindow;
  readonly retries: RetryLimiter;
  /**
   * Under the lock: encrypts an outbox item now, its ratchet step staged for
   * this batch's commit; the returned function hands the envelopes to the
   * outbox once committed. Undefined when it cannot (it is encrypted when sent).
   */
  readonly prepare: (item: OutboxItem) => Promise<(() => void) | undefined>;
  readonly emit: (e: ClientEvent) => void;
  /** After a group: re-checks the device lists of senders whose messages said ours are out of date. */
  readonly refreshDevices: (peer: string) => Promise<void>;
  /** A group was committed: receipts may be new, and `newDeadline` is the earliest deadline it set (null: none). */
  readonly afterCommit: (newDeadline: number | null) => void;
}

/**
 * Where an envelope came from: a connection (acked once committed), or a
 * record of messages held apart (deleted in the same commit instead).
 */
export type EnvelopeSource = Connection | { readonly held: { ns: string; key: string } };

export class InboxQueue {
  readonly #o: InboxQueueOptions;
  readonly #queue: Array<{ conn: EnvelopeSource; e: IncomingEnvelope }> = [];
  #running: Promise<void> | null = null;
  #backlog = false;
  #filled: (() => void) | null = null;

  constructor(o: InboxQueueOptions) {
    this.#o = o;
  }

  push(conn: EnvelopeSource, e: IncomingEnvelope): void {
    this.#queue.push({ conn, e });
    if (this.#queue.length >= GROUP) this.#filled?.();
    this.#running ??= this.#run().finally(() => {
      this.#running = null;
    });
  }

  /** A connection opened: what comes first is the stored queue. */
  startBacklog(): void {
    this.#backlog = true;
  }

  /** The server said the stored queue is all delivered: from here on, traffic is live. */
  endBacklog(): void {
    this.#backlog = false;
    this.#filled?.();
  }

  /** Waits (at most BACKLOG_FILL_MS) for a full group or the end of the backlog. */
  #fill(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#filled = null;
        resolve();
      };
      // A real timer, not the injected clock: how long to wait is about throughput, not time shown to anyone.
      const timer = setTimeout(done, BACKLOG_FILL_MS);
      this.#filled = done;
    });
  }

  /** Resolves once everything pushed so far is processed. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #run(): Promise<void> {
    while (this.#queue.length > 0) {
      if (this.#backlog && this.#queue.length < GROUP) await this.#fill();
      const group = this.#queue.splice(0, GROUP);
      try {
        await this.#process(group);
      } catch (error) {
        // Not acked: the server delivers these again on the next connection.
        this.#o.stores.discard();
        this.#o.pendingReceipts.clear();
        this.#o.receiptWindow.releaseAll();
        this.#o.emit({ type: 'error', error: error as Error });
      }
    }
  }

  async #process(group: Array<{ conn: EnvelopeSource; e: IncomingEnvelope }>): Promise<void> {
    const o = this.#o;
    const batch = newInboxBatch();
    const ctx = {
      store: o.store,
      stores: o.stores,
      directory: o.directory,
      trustRoot: await o.trustRoot(),
      contacts: o.contacts,
      now: o.clock.now(),
      retries: o.retries,
      batch,
      self: o.self,
      ...(o.servedOwnList ? { servedOwnList: o.servedOwnList } : {}),
    };
    const events: ClientEvent[] = [];
    const acks = new Map<Connection, Uint8Array[]>();
    const sendAcks = () => {
      for (const [conn, ids] of acks) conn.ack(ids);
    };
    let deferred = false;
    const handOver: Array<() => void> = [];
    await o.lock.run(async () => {
      for (const { conn, e } of group) {
        const r = await receiveEnvelope(ctx, e);
        events.push(...r.events);
        if ('held' in conn) {
          batch.records.push({ ...conn.held, value: null });
          continue;
        }
        if (!r.ack) continue;
        const ids = acks.get(conn);
        if (ids) ids.push(e.id);
        else acks.set(conn, [e.id]);
      }
      receiptWrites(batch, o.pendingReceipts, ctx.now);
      // This batch's receipts are encrypted now, their ratchet steps in the same commit: no commit of their own.
      for (const item of batch.putOutbox) {
        const collecting = o.pendingReceipts.get(item.recipient)?.id === item.id;
        // Within the window of the sender's last receipt: stored in this commit, sealed later with more ids.
        if (collecting && !o.receiptWindow.admit(item.recipient, ctx.now)) {
          o.receiptWindow.hold(item.recipient, item.id);
          continue;
        }
        o.receiptWindow.release(item.id);
        const hand = await o.prepare(item);
        if (!hand) continue;
        handOver.push(hand);
        // Sealed in this form: later ids start a new receipt.
        if (collecting) o.pendingReceipts.delete(item.recipient);
      }
      const writes = toWriteBatch(batch, o.stores.takeWrites(), o.contacts);
      // Only receipts (delivery marks): they ride on the next commit, and the acks wait for it.
      deferred = onlyReceipts(batch, writes, events);
      if (deferred) o.store.defer(writes, sendAcks);
      else await o.store.apply(writes);
    });
    for (const hand of handOver) hand();
    if (!deferred) sendAcks();
    for (const ev of events) o.emit(ev);
    // The expiry scheduler looks again only when a deadline was set (a receipt starting our countdown).
    o.afterCommit(earliestDeadline(batch.putMessages));
    // Awaited, so idle() covers it: `receive` shows the change before it ends.
    for (const peer of batch.devicesStale) await o.refreshDevices(peer);
  }
}

function earliestDeadline(messages: ReadonlyArray<{ expiresAt: number | null }>): number | null {
  let first: number | null = null;
  for (const m of messages)
    if (m.expiresAt !== null && (first === null || m.expiresAt < first)) first = m.expiresAt;
  return first;
}

/** Whether a processed group changed nothing but delivery marks of our own messages. */
function onlyReceipts(b: InboxBatch, writes: WriteBatch, events: readonly ClientEvent[]): boolean {
  return (
    (writes.putOutbox ?? []).length === 0 &&
    b.records.length === 0 &&
    b.contacts.size === 0 &&
    b.putMessages.every((m) => m.direction === 'out') &&
    events.every((e) => e.type === 'updated')
  );
}
