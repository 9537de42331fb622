/**
 * The order of a conversation as both people see it, built only from facts
 * inside the end-to-end encrypted content, never from the server's delivery
 * order (a server may hold back or reorder envelopes):
 * - history: the sender's send time, then the sender's id, then the sender's
 *   per-conversation Lamport clock;
 * - settings (the disappearing timer): a version (Lamport clock, send time,
 *   sender id). The higher version wins, so an older change never overrides
 *   a newer one, and two changes made at once settle the same way on both
 *   sides. Content from a client that predates the clock counts as clock 0.
 */
import type { MessageRecord } from '../store/types.js';

/**
 * Highest Lamport clock accepted: far above any real conversation, and
 * below 2^53 so that +1 stays exact. A peer that sends it only freezes the
 * clock there; ties are still settled by send time and sender id.
 */
export const MAX_LAMPORT = 2 ** 52;

/** Who changed a setting, and when, in the conversation's causal order. */
export interface SettingVersion {
  /** Sender's Lamport clock when the change was sent. */
  readonly clock: number;
  /** Sender's clock, ms (authenticated: inside the encrypted content). */
  readonly sentAt: number;
  /** Account id of the person who made the change. */
  readonly by: string;
}

/** The version of a setting nobody has changed yet (the conversation's default). */
export const DEFAULT_VERSION: SettingVersion = { clock: 0, sentAt: 0, by: '' };

/** Code-unit order: the same on every machine, whatever its locale. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Negative if `a` is older than `b`, positive if newer, 0 if the same change.
 * @example compareVersions({ clock: 2, sentAt: 5, by: 'A' }, DEFAULT_VERSION) > 0
 */
export function compareVersions(a: SettingVersion, b: SettingVersion): number {
  return a.clock - b.clock || a.sentAt - b.sentAt || compareIds(a.by, b.by);
}

/** The clock for the next item we send, after having seen `clock`. */
export function nextClock(clock: number): number {
  return Math.min(clock + 1, MAX_LAMPORT);
}

/**
 * History order of two items of one conversation; `self` is our account id
 * (the sender of outgoing items). Items stored before the clock existed tie
 * on it and fall back to the local insertion order.
 * @example messages.sort((a, b) => compareHistory(a, b, client.accountId))
 */
export function compareHistory(a: MessageRecord, b: MessageRecord, self: string): number {
  const sender = (m: MessageRecord) => (m.direction === 'out' ? self : (m.from ?? m.conversationId));
  return (
    a.sentAt - b.sentAt ||
    compareIds(sender(a), sender(b)) ||
    (a.clock ?? 0) - (b.clock ?? 0) ||
    a.seq - b.seq
  );
}
