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

/** One device a send addresses. */
export interface Addressed {
  readonly accountId: Uint8Array;
  readonly deviceId: number;
}

/**
 * The accounts whose signed list names a device `addressed` leaves out, each
 * once, in the order first addressed. The sending device is never expected
 * to address itself; an account not addressed at all is not asked about.
 * The lists are read in one go (a group message addresses many accounts).
 */
export async function accountsLeftIncomplete(
  lists: DeviceListStore,
  addressed: Iterable<Addressed>,
  sender: Addressed,
): Promise<Uint8Array[]> {
  const byAccount = new Map<string, { accountId: Uint8Array; devices: Set<number> }>();
  for (const e of addressed) {
    const key = keyOf(e.accountId);
    const entry = byAccount.get(key) ?? { accountId: e.accountId, devices: new Set<number>() };
    entry.devices.add(e.deviceId);
    byAccount.set(key, entry);
  }
  const self = keyOf(sender.accountId);
  const entries = [...byAccount];
  const stored = await lists.getDeviceLists(entries.map(([, a]) => a.accountId));
  const out: Uint8Array[] = [];
  entries.forEach(([key, { accountId, devices }], i) => {
    const list = stored[i];
    if (!list) return; // an account on an older client publishes no list
    // The route verified it on upload; a list the store cannot decode names nothing to ask for.
    let listed: readonly { deviceId: number }[];
    try {
      listed = SignedDeviceList.decode(list.list).devices;
    } catch {
      return;
    }
    const isSelf = (id: number) => key === self && id === sender.deviceId;
    if (listed.some((d) => !devices.has(d.deviceId) && !isSelf(d.deviceId))) out.push(accountId);
  });
  return out;
}

/** Whether `send`, meant for all devices, leaves out a listed device of an account it addresses. */
export async function leavesOutListedDevice(
  lists: DeviceListStore,
  send: SendMessage,
  sender: Addressed,
): Promise<boolean> {
  if (!send.allDevices) return false;
  return (await accountsLeftIncomplete(lists, send.envelopes, sender)).length > 0;
}
