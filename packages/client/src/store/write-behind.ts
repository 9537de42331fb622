/**
 * Writes that may reach the disk a little later, with the next commit, so
 * that live traffic costs one durable commit per message (issue 10 item 3)
 * instead of one per step. Two kinds are deferred, both safe to lose in a
 * crash because what follows a loss repairs it:
 *
 * - cleanup after the server acknowledged a send (outbox item gone, status
 *   "sent"): lost, the item is sent again and the recipient drops the copy
 *   (content ids are de-duplicated);
 * - a group of received envelopes that only carried receipts: lost, the
 *   envelopes were never acked (acks wait for `afterDurable`), so the server
 *   delivers them again, and the ratchet state that read them was lost too.
 *
 * Deferred writes are visible to every read at once (an overlay over the
 * store below), are committed in front of the next `apply` in one atomic
 * batch, or on their own after `delayMs` when nothing else commits.
 */
import type { ClientStore, MessageRecord, OutboxItem, RecordEntry, WriteBatch } from './types.js';

type Put = Omit<MessageRecord, 'seq'>;
type RecordWrite = { ns: string; key: string; value: Uint8Array | null };

/** One group of deferred writes and what waits for them to be durable. */
interface Layer {
  readonly records: Map<string, RecordWrite>;
  readonly puts: Map<string, Put>;
  readonly deleteOutbox: Set<string>;
  readonly seen: Set<string>;
  readonly after: Array<() => void>;
}

const emptyLayer = (): Layer => ({
  records: new Map(),
  puts: new Map(),
  deleteOutbox: new Set(),
  seen: new Set(),
  after: [],
});

const rk = (ns: string, key: string) => `${ns}\u0000${key}`;

const isEmpty = (l: Layer) =>
  l.records.size + l.puts.size + l.deleteOutbox.size + l.seen.size + l.after.length === 0;

const isEmptyBatch = (b: WriteBatch) =>
  !b.records?.length &&
  !b.putMessages?.length &&
  !b.deleteMessages?.length &&
  !b.putOutbox?.length &&
  !b.deleteOutbox?.length &&
  !b.seen?.length;

/**
 * The deferred records with the batch's after them, each key once, newest
 * last: a session stepped by a deferred receipt and again by this commit's
 * send is sealed and written once, not twice.
 */
function mergeRecords(deferred: Layer['records'], later: readonly RecordWrite[]): RecordWrite[] {
  if (later.length === 0) return [...deferred.values()];
  const out = new Map(deferred);
  for (const r of later) {
    const k = rk(r.ns, r.key);
    out.delete(k); // re-inserted last, as in defer()
    out.set(k, r);
  }
  return [...out.values()];
}

/** What may be deferred: no new messages, no new outbox items (their order numbers come from the store). */
export type DeferredBatch = Pick<WriteBatch, 'records' | 'putMessages' | 'deleteOutbox' | 'seen'>;

export interface WriteBehindOptions {
  /** Longest a deferred write waits for another commit to ride on. */
  readonly delayMs?: number;
  /** A commit of deferred writes alone failed (they are dropped; see above why that is safe). */
  readonly onError?: (e: Error) => void;
}

/**
 * @example
 * const store = new WriteBehindStore(await openSqliteStore(opts));
 * store.defer({ deleteOutbox: [id] });   // readable at once, durable with the next apply
 */
export class WriteBehindStore implements ClientStore {
  readonly #inner: ClientStore;
  readonly #delayMs: number;
  readonly #onError: (e: Error) => void;
  /** Oldest first; the last one takes new deferred writes, the others are being committed. */
  #layers: Layer[] = [emptyLayer()];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;

  constructor(inner: ClientStore, o: WriteBehindOptions = {}) {
    this.#inner = inner;
    this.#delayMs = o.delayMs ?? 200;
    this.#onError = o.onError ?? (() => undefined);
  }

  /** Queues writes for the next commit; `afterDurable` runs once they are on disk. */
  defer(batch: DeferredBatch, afterDurable?: () => void): void {
    if (this.#closed) throw new RangeError('store is closed');
    const l = this.#open;
    for (const r of batch.records ?? []) {
      l.records.delete(rk(r.ns, r.key)); // re-inserted last: the newest write wins when merged
      l.records.set(rk(r.ns, r.key), r);
    }
    for (const m of batch.putMessages ?? []) l.puts.set(m.id, m);
    for (const id of batch.deleteOutbox ?? []) l.deleteOutbox.add(id);
    for (const id of batch.seen ?? []) l.seen.add(id);
    if (afterDurable) l.after.push(afterDurable);
    // A real timer, not the injected clock: it bounds how long durability lags, which no UI shows.
    this.#timer ??= setTimeout(() => {
      this.#timer = null;
      this.flush().catch((e: unknown) => this.#onError(e as Error));
    }, this.#delayMs);
  }

  /** Commits what is deferred now. */
  flush(): Promise<void> {
    return this.apply({});
  }

  get #open(): Layer {
    return this.#layers[this.#layers.length - 1] as Layer;
  }

  /** Newest first. */
  #newest(): Layer[] {
    return [...this.#layers].reverse();
  }

  async getRecord(ns: string, key: string): Promise<Uint8Array | undefined> {
    for (const l of this.#newest()) {
      const w = l.records.get(rk(ns, key));
      if (w) return w.value?.slice();
    }
    return this.#inner.getRecord(ns, key);
  }

  async listRecords(ns: string): Promise<RecordEntry[]> {
    const out = new Map((await this.#inner.listRecords(ns)).map((r) => [r.key, r]));
    for (const l of this.#layers) {
      for (const w of l.records.values()) {
        if (w.ns !== ns) continue;
        if (w.value) out.set(w.key, { key: w.key, value: w.value.slice() });
        else out.delete(w.key);
      }
    }
    return [...out.values()];
  }

  async getMessage(id: string): Promise<MessageRecord | undefined> {
    const stored = await this.#inner.getMessage(id);
    return stored && this.#overlay(stored);
  }

  async listMessages(conversationId: string, now: number): Promise<MessageRecord[]> {
    const stored = await this.#inner.listMessages(conversationId, now);
    // A deferred put may start a countdown that has already run out.
    return stored.map((m) => this.#overlay(m)).filter((m) => m.expiresAt === null || m.expiresAt > now);
  }

  #overlay(m: MessageRecord): MessageRecord {
    for (const l of this.#newest()) {
      const p = l.puts.get(m.id);
      if (p) return { ...p, seq: m.seq };
    }
    return m;
  }

  async listOutbox(): Promise<OutboxItem[]> {
    const gone = (id: string) => this.#layers.some((l) => l.deleteOutbox.has(id));
    return (await this.#inner.listOutbox()).filter((o) => !gone(o.id));
  }

  async hasSeen(id: string): Promise<boolean> {
    return this.#layers.some((l) => l.seen.has(id)) || this.#inner.hasSeen(id);
  }

  /** Commits `batch` with everything deferred before it, in one atomic batch. */
  async apply(batch: WriteBatch): Promise<void> {
    const taken = this.#open;
    this.#layers.push(emptyLayer());
    // What the timer waited for rides on this commit; later deferrals start their own.
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (isEmpty(taken) && isEmptyBatch(batch)) {
      this.#layers = this.#layers.filter((l) => l !== taken);
      return;
    }
    const deleted = new Set(batch.deleteMessages ?? []);
    const reput = new Set((batch.putOutbox ?? []).map((o) => o.id));
    try {
      await this.#inner.apply({
        ...batch,
        records: mergeRecords(taken.records, batch.records ?? []),
        // Deferred first: the caller's later form of the same message wins.
        putMessages: [
          ...[...taken.puts.values()].filter((m) => !deleted.has(m.id)),
          ...(batch.putMessages ?? []),
        ],
        deleteOutbox: [
          ...[...taken.deleteOutbox].filter((id) => !reput.has(id)),
          ...(batch.deleteOutbox ?? []),
        ],
        seen: [...taken.seen, ...(batch.seen ?? [])],
      });
    } finally {
      // Committed, or failed and dropped (why that is safe: see the top of this file).
      this.#layers = this.#layers.filter((l) => l !== taken);
    }
    for (const f of taken.after) f();
  }

  async deleteExpired(now: number): Promise<string[]> {
    const ids = await this.#inner.deleteExpired(now);
    // Shredded below: a deferred status change must not bring one back.
    for (const l of this.#layers) for (const id of ids) l.puts.delete(id);
    return ids;
  }

  async nextExpiry(): Promise<number | null> {
    let next = await this.#inner.nextExpiry();
    for (const l of this.#layers)
      for (const m of l.puts.values())
        if (m.expiresAt !== null && (next === null || m.expiresAt < next)) next = m.expiresAt;
    return next;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      await this.#inner.close();
    }
  }
}
