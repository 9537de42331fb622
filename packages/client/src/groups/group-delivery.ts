/**
 * Delivery marks of our group messages, per member: a message lists, per
 * member, the devices it was uploaded for; each device's delivery receipt
 * (1:1, authenticated) takes that device off. A member has it when none of
 * its devices is left; the message shows ✓✓ ('delivered') once every member has it.
 */
import type { MessageRecord } from '../store/types.js';
import { startSenderCountdown } from '../timers/sender-countdown.js';

type Stored = Omit<MessageRecord, 'seq'>;

/** `m` after a receipt from `from`'s device, or undefined when it changes nothing. */
export function markGroupDelivery<T extends Stored>(
  m: T,
  from: { accountId: string; deviceId: number },
  now: number,
): T | undefined {
  const waiting = m.delivery?.[from.accountId];
  if (!m.delivery || !waiting?.includes(from.deviceId)) return undefined;
  const delivery = { ...m.delivery, [from.accountId]: waiting.filter((d) => d !== from.deviceId) };
  const all = Object.values(delivery).every((d) => d.length === 0);
  const updated: T = { ...m, delivery, ...(all ? { status: 'delivered' as const } : {}) };
  return all ? startSenderCountdown(updated, now) : updated;
}

/** Per member of a sent group message: whether every device of theirs has it. */
export function deliveryView(m: MessageRecord): Array<{ accountId: string; delivered: boolean }> {
  return Object.entries(m.delivery ?? {})
    .map(([accountId, devices]) => ({ accountId, delivered: devices.length === 0 }))
    .sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
}
