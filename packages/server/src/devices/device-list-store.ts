/**
 * Port for signed device lists (docs/device-list.md): the latest list an
 * account's own device uploaded. The route checks the signature against the
 * account's identity key first; the store keeps only strictly newer
 * versions, atomically, so two uploads racing cannot roll the list back.
 */

export interface StoredDeviceList {
  version: number;
  /** The signed list exactly as uploaded. */
  list: Uint8Array;
}

/** Outcome of {@link DeviceListStore.putDeviceList}. */
export type PutDeviceListResult = 'ok' | 'stale' | 'no_account';

export interface DeviceListStore {
  /** Replaces the account's list when `version` is higher than the stored one's. */
  putDeviceList(accountId: Uint8Array, version: number, list: Uint8Array): Promise<PutDeviceListResult>;
  /** The latest stored list, if any. Deleted with the account. */
  getDeviceList(accountId: Uint8Array): Promise<StoredDeviceList | undefined>;
  /** The stored list of each account, in the order asked (undefined where none): one read for a group upload. */
  getDeviceLists(accountIds: readonly Uint8Array[]): Promise<Array<StoredDeviceList | undefined>>;
}
