/**
 * Shreds expired messages on time. It sleeps until the store's earliest
 * deadline (plus SWEEP_SLACK_MS), deletes everything due, tells the
 * listener, and sleeps again; a new or changed deadline is reported with
 * `poke()`. Owns no state besides
 * the one pending timer, so the store stays the single source of truth.
 */
import type { ClientStore } from '../store/types.js';
import type { Clock } from './clock.js';

/** setTimeout cannot wait longer than 2^31-1 ms; far deadlines are reached in hops. */
const MAX_SLEEP_MS = 6 * 3600 * 1000;

/**
 * A sweep runs this long after the deadline it wakes for, so the deadlines
 * of a live chat (one per message, tens of ms apart) go in one sweep - one
 * shredding commit and WAL truncation - instead of one each. Well inside
 * "gone within a second"; reads hide a message from its deadline on anyway.
 */
export const SWEEP_SLACK_MS = 200;

export interface ExpirySchedulerOptions {
  readonly store: Pick<ClientStore, 'deleteExpired' | 'nextExpiry'>;
  readonly clock: Clock;
  /** Called with the ids just deleted (never with an empty list). */
  readonly onExpired?: (ids: string[]) => void;
  readonly onError?: (err: unknown) => void;
}

/**
 * @example
 * const s = new ExpiryScheduler({ store, clock: systemClock, onExpired: (ids) => redraw() });
 * await s.poke(); // after storing a message with a deadline
 */
export class ExpiryScheduler {
  readonly #o: ExpirySchedulerOptions;
  #timer: unknown = null;
  /** The deadline the pending timer sweeps for (clock time); null when none is armed. */
  #armedFor: number | null = null;
  #stopped = false;
  #running: Promise<void> = Promise.resolve();

  constructor(options: ExpirySchedulerOptions) {
    this.#o = options;
  }

  /**
   * Sweeps what is due now and re-arms for the next deadline. Told the new
   * `deadline`, it does nothing when the armed timer is for one no later: live
   * traffic sets one deadline per message, and each sweep costs two queries.
   */
  poke(deadline?: number): Promise<void> {
    this.#running = this.#running
      .then(() => (this.#coveredBy(deadline) ? undefined : this.#tick()))
      .catch((e: unknown) => this.#o.onError?.(e));
    return this.#running;
  }

  #coveredBy(deadline: number | undefined): boolean {
    return deadline !== undefined && this.#armedFor !== null && this.#armedFor <= deadline;
  }

  /** Cancels the pending timer; later pokes do nothing. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) this.#o.clock.clearTimer(this.#timer);
    this.#timer = null;
    this.#armedFor = null;
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    if (this.#timer !== null) this.#o.clock.clearTimer(this.#timer);
    this.#timer = null;
    this.#armedFor = null;
    const { clock, store } = this.#o;
    const ids = await store.deleteExpired(clock.now());
    if (ids.length > 0) this.#o.onExpired?.(ids);
    const next = await store.nextExpiry();
    if (next === null || this.#stopped) return;
    const wait = Math.min(Math.max(0, next + SWEEP_SLACK_MS - clock.now()), MAX_SLEEP_MS);
    this.#armedFor = next;
    this.#timer = clock.setTimer(() => void this.poke(), wait);
  }
}
