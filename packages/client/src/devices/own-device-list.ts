/**
 * This account's own signed device list: signed with the identity key,
 * kept in the store, uploaded for the server to serve with bundles
 * (docs/device-list.md). A new account's first list names only itself.
 */
import { type IdentityKeyPair, type ListedDevice, SignedDeviceList } from '@tacet/protocol';
import { parseAccountId } from '@tacet/wire';
import { NS, type ProtocolStores } from '../sessions/protocol-stores.js';

const OWN_LIST_KEY = 'own-device-list';

/** The list this device last signed, if any. */
export async function ownDeviceList(stores: ProtocolStores): Promise<SignedDeviceList | undefined> {
  const v = await stores.get(NS.self, OWN_LIST_KEY);
  return v ? SignedDeviceList.decode(v) : undefined;
}

/** How many other devices our own newest signed list names (they get copies of what this one sends). */
export async function siblingCount(stores: ProtocolStores): Promise<number> {
  return Math.max(0, ((await ownDeviceList(stores))?.devices.length ?? 1) - 1);
}

/**
 * Signs the next version of the account's list naming `devices` and stages
 * it; the caller commits, then uploads `list.serialize()`.
 * @example const list = await signNextDeviceList(stores, identity, accountId, [{ deviceId: 1, registrationId }]);
 */
export async function signNextDeviceList(
  stores: ProtocolStores,
  identity: IdentityKeyPair,
  accountId: string,
  devices: ListedDevice[],
): Promise<SignedDeviceList> {
  const version = ((await ownDeviceList(stores))?.version ?? 0) + 1;
  const list = SignedDeviceList.sign(
    { accountId: parseAccountId(accountId), version, devices },
    identity.privateKey,
  );
  stores.set(NS.self, OWN_LIST_KEY, list.serialize());
  return list;
}

/**
 * Keeps `list` as this account's own list when it is newer than the one
 * held (a linked device starts from the list that named it; another device
 * of the account may have signed a newer one). The caller verified it.
 */
export async function adoptDeviceList(stores: ProtocolStores, list: SignedDeviceList): Promise<boolean> {
  const held = await ownDeviceList(stores);
  if (held && held.version >= list.version) return false;
  stores.set(NS.self, OWN_LIST_KEY, list.serialize());
  return true;
}
