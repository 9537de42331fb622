/**
 * The outbox's sends that went out on one connection and await the server's
 * ack. Sending the next item without waiting for the previous ack is what
 * lets a burst leave in one round trip instead of one round trip per message
 * (issue 10: stop-and-wait made the p99 seconds long at 100 msg/s). Order is
 * kept by the socket (the server enqueues a connection's sends in the order
 * they arrive) and by settling oldest first: "sent" marks, refusals and the
 * decision to stop follow the outbox order, as when it sent one at a time.
 */

/** Sends in flight at most: enough to cover a round trip at any live rate, small enough to resend cheaply. */
export const MAX_SENDS_IN_FLIGHT = 64;

/** A send taken out of the window: acked (`error` null) or refused / cut off. */
export interface SettledSend<T> {
  readonly item: T;
  readonly error: Error | null;
}

/**
 * @example
 * const w = new SendWindow<OutboxItem>();
 * w.add(item, conn.send(envelopes));
 * while (w.size > 0) handle(await w.takeOldest());
 */
export class SendWindow<T> {
  readonly #limit: number;
  readonly #queue: Array<{ item: T; settled: Promise<Error | null> }> = [];

  constructor(limit = MAX_SENDS_IN_FLIGHT) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
    this.#limit = limit;
  }

  get size(): number {
    return this.#queue.length;
  }

  get full(): boolean {
    return this.#queue.length >= this.#limit;
  }

  /** `ack` resolves when the server acknowledged the send, rejects when it refused it or the connection went. */
  add(item: T, ack: Promise<void>): void {
    const settled = ack.then(
      () => null,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    this.#queue.push({ item, settled });
  }

  /** Resolves once the oldest send has settled, without taking it out (immediately when empty). */
  async oldestSettled(): Promise<void> {
    await this.#queue[0]?.settled;
  }

  /** Waits for the oldest send to settle and takes it out; undefined when nothing is in flight. */
  async takeOldest(): Promise<SettledSend<T> | undefined> {
    const head = this.#queue[0];
    if (!head) return undefined;
    const error = await head.settled;
    this.#queue.shift();
    return { item: head.item, error };
  }
}
