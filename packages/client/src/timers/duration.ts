/**
 * Disappearing-message durations: parsing what people type ("30s", "5m",
 * "1d", "2w", "off") and printing a remaining time compactly.
 */
import { ClientError } from '../errors.js';

/** New conversations start with a 30-second timer (docs/design.md, disappearing messages). */
export const DEFAULT_TIMER_SECONDS = 30;
/** Shortest allowed timer: shorter ones expire before a person can read them. */
export const MIN_TIMER_SECONDS = 5;
/** Longest allowed timer: four weeks. */
export const MAX_TIMER_SECONDS = 4 * 7 * 24 * 3600;
/** 0 means the timer is off. */
export const TIMER_OFF = 0;

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/**
 * Parses a timer setting into seconds (0 = off).
 * @example parseDuration('5m') // 300
 */
export function parseDuration(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === 'off' || t === '0') return TIMER_OFF;
  const m = /^(\d{1,7})\s*([smhdw]?)$/.exec(t);
  const seconds = m ? Number(m[1]) * (UNITS[m[2] || 's'] as number) : Number.NaN;
  if (!Number.isFinite(seconds) || seconds < MIN_TIMER_SECONDS || seconds > MAX_TIMER_SECONDS) {
    throw new ClientError(
      'InvalidDuration',
      `"${text}" is not a timer setting: use a number with s, m, h, d or w between 5s and 4w (e.g. 30s, 5m, 1d), or "off"`,
    );
  }
  return seconds;
}

/** Checks a timer value that came from outside (e.g. a peer's message). */
export function isValidTimer(seconds: number): boolean {
  return (
    seconds === TIMER_OFF ||
    (Number.isInteger(seconds) && seconds >= MIN_TIMER_SECONDS && seconds <= MAX_TIMER_SECONDS)
  );
}

/**
 * A short human form of a duration, the largest unit that divides it evenly.
 * @example formatDuration(300) // '5m'
 */
export function formatDuration(seconds: number): string {
  if (seconds === TIMER_OFF) return 'off';
  for (const u of ['w', 'd', 'h', 'm'] as const) {
    const n = UNITS[u] as number;
    if (seconds % n === 0) return `${seconds / n}${u}`;
  }
  return `${seconds}s`;
}

/**
 * Remaining time for a countdown display, rounded up, in its largest unit.
 * @example formatRemaining(61_000) // '2m'
 */
export function formatRemaining(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.ceil(s / 60)}m`;
  if (s < 86400) return `${Math.ceil(s / 3600)}h`;
  return `${Math.ceil(s / 86400)}d`;
}
