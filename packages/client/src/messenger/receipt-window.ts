/**
 * Delivery receipts coalesced per sender (issue 10 item 3). A receipt for a
 * message from a sender no receipt went to lately leaves at once, sealed in
 * the commit that stores the message (the leading edge: a lone message is
 * marked delivered as fast as before, at no extra commit). Receipts for what
 * arrives within the window after that gather in ONE outbox item, which is
 * durable in each of those commits but sealed only once: by the first batch
 * after the window, or when the window ends (the trailing edge). A burst thus
 * costs each side one receipt per window per sender instead of one per
 * message: on each side one ratchet step, one sealed-sender seal or unseal,
 * and two socket writes (send and ack) less per coalesced message.
 *
 * This only decides when; sealing and sending stay with the inbox
 * (inbox-queue.ts) and the network (network.ts). Times come from the
 * client's clock, so tests drive the window by hand.
 */
import type { Clock } from '../timers/clock.js';
import { CoalescingWindow } from '../timers/coalescing-window.js';

/**
 * Default width of the window: Signal Desktop batches delivery receipts for 500 ms as well
 * (deliveryReceiptBatcher). A lone message still gets its ✓✓ at once (the leading edge); only the
 * rest of a burst waits, and a slow chat (a message every 100–500 ms) then costs each side one
 * receipt per window instead of one per message.
 */
export const RECEIPT_WINDOW_MS = 500;

export class ReceiptWindow {
  readonly #window: CoalescingWindow<string>;
  /** Receipt items the outbox flush must leave alone: collecting ids, or sealed and waiting for their commit. */
  readonly #held = new Set<string>();

  /** `onEnd(peer)` runs when a window with a held receipt ends: seal that receipt then. */
  constructor(clock: Clock, onEnd: (peer: string) => void, ms = RECEIPT_WINDOW_MS) {
    this.#window = new CoalescingWindow(clock, ms, onEnd);
  }

  /** Whether a receipt to `peer` may be sealed at `now`; when it may, a new window starts there. */
  admit(peer: string, now: number): boolean {
    return this.#window.admit(peer, now);
  }

  /** A receipt to `peer` is sealed at `now`: the next window starts. */
  restart(peer: string, now: number): void {
    this.#window.restart(peer, now);
  }

  /** Keeps receipt item `id` for `peer` from the flush until released; the window's end calls `onEnd`. */
  hold(peer: string, id: string): void {
    this.#held.add(id);
    this.#window.wait(peer);
  }

  isHeld(id: string): boolean {
    return this.#held.has(id);
  }

  /** The flush may take item `id` again (sealed and handed over, or to be sealed when sent). */
  release(id: string): void {
    this.#held.delete(id);
  }

  /** A batch failed and the collecting receipts were forgotten: what the outbox holds is sent as stored. */
  releaseAll(): void {
    this.#held.clear();
  }

  /** No more timers (closing): a held receipt stays in the outbox and is sent after the next start. */
  close(): void {
    this.#window.close();
  }
}
