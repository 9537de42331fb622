/**
 * Leading and trailing edge per key, for things several of which cost about
 * what one costs (a receipt, an ack frame): the first in a while goes at
 * once; what comes within `ms` after it waits and goes together when that
 * window ends. Callers keep what waits; this only tells when.
 */
import type { Clock } from './clock.js';

export class CoalescingWindow<K> {
  readonly #clock: Clock;
  readonly #ms: number;
  readonly #onEnd: (key: K) => void;
  /** Per key: when the window opened by the last one that went ends. */
  readonly #ends = new Map<K, number>();
  readonly #timers = new Map<K, unknown>();

  /** `onEnd(key)` runs when a window of `key` with something waiting (see `wait`) ends. */
  constructor(clock: Clock, ms: number, onEnd: (key: K) => void) {
    this.#clock = clock;
    this.#ms = ms;
    this.#onEnd = onEnd;
  }

  /** Whether one for `key` may go at `now`; when it may, a new window starts there. */
  admit(key: K, now = this.#clock.now()): boolean {
    const end = this.#ends.get(key);
    if (end !== undefined && now < end) return false;
    this.restart(key, now);
    return true;
  }

  /** One for `key` went at `now`: the next window starts (the old one's timer is moot). */
  restart(key: K, now = this.#clock.now()): void {
    this.#ends.set(key, now + this.#ms);
    const t = this.#timers.get(key);
    if (t !== undefined) this.#clock.clearTimer(t);
    this.#timers.delete(key);
  }

  /** Something for `key` waits: `onEnd(key)` runs when its window ends (once, however many wait). */
  wait(key: K): void {
    if (this.#timers.has(key)) return;
    const delay = Math.max(0, (this.#ends.get(key) ?? 0) - this.#clock.now());
    const timer = this.#clock.setTimer(() => {
      this.#timers.delete(key);
      this.#onEnd(key);
    }, delay);
    this.#timers.set(key, timer);
  }

  /** No more timers: what waits stays with the caller. */
  close(): void {
    for (const t of this.#timers.values()) this.#clock.clearTimer(t);
    this.#timers.clear();
  }
}
