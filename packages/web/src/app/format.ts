/** Small text formatting helpers for the UI. */

/** "45s", "4m 10s", "3h 5m", "2d 4h": the time left before a message disappears. */
export function formatRemaining(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m ${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** Human name of a timer setting. */
export function formatTimer(seconds: number): string {
  if (seconds === 0) return 'off';
  return formatRemaining(seconds * 1000);
}

/** The timer choices offered: 5 s to 4 weeks, or off. */
export const TIMER_CHOICES: readonly number[] = [
  0,
  5,
  30,
  60,
  5 * 60,
  30 * 60,
  3600,
  8 * 3600,
  86_400,
  7 * 86_400,
  28 * 86_400,
];

/** "14:05" in the person's locale. */
export function formatClock(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
