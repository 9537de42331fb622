/**
 * When the sender's copy of a disappearing message starts counting down:
 * once the server has it (✓), or a delivery receipt came first. Never while
 * it waits in the outbox, so a message written offline cannot disappear
 * before it ever left the device.
 */
import type { MessageRecord } from '../store/types.js';

/** `m` with its countdown started at `now` if it has a timer and has not started yet. */
export function startSenderCountdown<T extends Omit<MessageRecord, 'seq'>>(m: T, now: number): T {
  if (m.direction !== 'out' || m.timerSeconds === 0 || m.expiresAt !== null) return m;
  return { ...m, expiresAt: now + m.timerSeconds * 1000 };
}
