/**
 * The server's "missing device" answer (issue 13 item 1): a send meant for
 * every device of an account that leaves out a device the account's signed
 * device list names is refused, so a contact holding an older list learns to
 * re-check it and reaches a newly linked device on its next message. Only the
 * signed list counts, never the device table: a device of the server's own
 * making is one no owner signed, and asking for it would only make honest
 * senders' clients refuse the send (they encrypt for listed devices only).
 */
import { SignedDeviceList } from '@tacet/protocol';
import type { SendMessage } from '@tacet/wire';
import type { DeviceListStore } from './device-list-store.js';

const keyOf = (accountId: Uint8Array) => Buffer.from(accountId).toString('hex');

/**
 * Whether `send` leaves out a listed device of an account it addresses.
 * The sending device is never expected to address itself.
 */
export async function leavesOutListedDevice(
  lists: DeviceListStore,
  send: SendMessage,
  sender: { accountId: Uint8Array; deviceId: number },
): Promise<boolean> {
  if (!send.allDevices) return false;
  const addressed = new Map<string, { accountId: Uint8Array; devices: Set<number> }>();
  for (const e of send.envelopes) {
    const key = keyOf(e.accountId);
    const entry = addressed.get(key) ?? { accountId: e.accountId, devices: new Set<number>() };
    entry.devices.add(e.deviceId);
    addressed.set(key, entry);
  }
  const self = keyOf(sender.accountId);
  for (const [key, { accountId, devices }] of addressed) {
    const stored = await lists.getDeviceList(accountId);
    if (!stored) continue; // an account on an older client publishes no list
    // The route verified it on upload; a list the store cannot decode names nothing to ask for.
    let listed: readonly { deviceId: number }[];
    try {
      listed = SignedDeviceList.decode(stored.list).devices;
    } catch {
      continue;
    }
    const isSelf = (id: number) => key === self && id === sender.deviceId;
    if (listed.some((d) => !devices.has(d.deviceId) && !isSelf(d.deviceId))) return true;
  }
  return false;
}
