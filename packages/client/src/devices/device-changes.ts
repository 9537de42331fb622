/**
 * What follows a contact's device list changing (issue 13 item 2): every
 * message carries the version of its sender's own list (content field 14), a
 * receiver holding an older list — or getting a message from a device its
 * list does not name — re-checks it, and the user is told. Sending to a
 * VERIFIED contact then pauses until the user looked (`tacet accept NAME`,
 * `client.acceptDevices`): the person verified one set of devices, and a new
 * one is theirs to confirm, not the client's to assume.
 */
import type { Contact } from '../contacts.js';
import { ClientError } from '../errors.js';
import { NS, type ProtocolStores } from '../sessions/protocol-stores.js';
import { verifiedList } from './verified-device-list.js';

const pauseKey = (peer: string) => `devices-paused:${peer}`;

/**
 * Whether a message from `sender`'s device `deviceId`, announcing its list
 * version `announced`, says our verified list of theirs is out of date.
 * Without a verified list nothing is re-checked here: the first send fetches one.
 */
export async function listOutOfDate(
  stores: ProtocolStores,
  sender: string,
  deviceId: number,
  announced: number | undefined,
): Promise<boolean> {
  const known = (await verifiedList(stores, sender))?.list;
  if (!known) return false;
  return (announced !== undefined && announced > known.version) || !known.device(deviceId);
}

/** The write that pauses sending to `peer` (a verified contact whose list changed to `version`). */
export function pauseWrite(peer: string, version: number) {
  return {
    ns: NS.self,
    key: pauseKey(peer),
    value: Uint8Array.of(version >>> 24, version >>> 16, version >>> 8, version),
  };
}

/** The write that lifts the pause: the user looked at the new device list. */
export function unpauseWrite(peer: string) {
  return { ns: NS.self, key: pauseKey(peer), value: null };
}

/** Whether sending to `contact` waits for the user to look at their changed devices. */
export async function devicesPaused(
  stores: ProtocolStores,
  contact: Pick<Contact, 'accountId'>,
): Promise<boolean> {
  return (await stores.get(NS.self, pauseKey(contact.accountId))) !== undefined;
}

/** The error a send to a paused contact fails with, in plain words. */
export function devicesChangedError(contact: Contact, devices: readonly number[]): ClientError {
  const name = contact.name;
  const now = devices.length > 0 ? ` (now ${devices.length} device${devices.length === 1 ? '' : 's'})` : '';
  return new ClientError(
    'DevicesChanged',
    `${name} linked or removed a device${now}. You verified ${name}, so sending waits until you check ` +
      `with them that the change is theirs, then run: tacet accept ${name}`,
    { name, accountId: contact.accountId, devices: [...devices] },
  );
}

/**
 * The DevicesChanged error when sending to `contact` waits for the user
 * (their device list changed since they were verified), naming the devices
 * of their newest verified list; undefined when sending may go on.
 */
export async function devicesPausedError(
  stores: ProtocolStores,
  contact: Contact,
): Promise<ClientError | undefined> {
  if (!(await devicesPaused(stores, contact))) return undefined;
  const listed = (await verifiedList(stores, contact.accountId))?.list.devices ?? [];
  return devicesChangedError(
    contact,
    listed.map((d) => d.deviceId),
  );
}
