/**
 * Time as a dependency: the SDK reads the clock and sets timers only through
 * this interface, so tests can drive expiry without waiting.
 */
export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** The real clock. Timers do not keep a Node process alive on their own. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const h = setTimeout(fn, ms) as unknown as { unref?: () => void };
    h.unref?.();
    return h;
  },
  clearTimer: (h) => clearTimeout(h as Parameters<typeof clearTimeout>[0]),
};
