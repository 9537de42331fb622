/**
 * Unlinking a device of this account (`tacet devices remove N`): sign the
 * next device list without it and upload that first — contacts encrypt only
 * to listed devices, so from then on no sender that checks the list makes a
 * copy for it — then have the server revoke its credential and drop its keys
 * and queue, so it can fetch nothing even from senders that have not seen
 * the new list yet.
 */
import type { IdentityKeyPair } from '@tacet/protocol';
import type { AccountInfo } from '../account/register.js';
import { ClientError } from '../errors.js';
import type { ProtocolStores } from '../sessions/protocol-stores.js';
import type { ClientStore } from '../store/types.js';
import type { HttpApi } from '../transport/http-api.js';
import { ownDeviceList, signNextDeviceList } from './own-device-list.js';

/** @example await unlinkDevice({ store, stores, account, api, identity }, 2); */
export async function unlinkDevice(
  ctx: {
    readonly store: ClientStore;
    readonly stores: ProtocolStores;
    readonly account: AccountInfo;
    readonly api: HttpApi;
    readonly identity: IdentityKeyPair;
  },
  deviceId: number,
): Promise<void> {
  if (deviceId === ctx.account.deviceId)
    throw new ClientError(
      'InvalidContent',
      'this is the device you are using; unlink it from another of your devices',
    );
  const current = (await ownDeviceList(ctx.stores))?.devices ?? [];
  if (!current.some((d) => d.deviceId === deviceId))
    throw new ClientError(
      'InvalidContent',
      `your account has no device ${deviceId}; tacet devices lists them`,
      { deviceId },
    );
  const list = await signNextDeviceList(
    ctx.stores,
    ctx.identity,
    ctx.account.accountId,
    current.filter((d) => d.deviceId !== deviceId),
  );
  await ctx.store.apply({ records: ctx.stores.takeWrites() });
  await ctx.api.putDeviceList(list.serialize());
  try {
    await ctx.api.removeDevice(deviceId);
  } catch (e) {
    // Already gone on the server (a retry after a lost answer): the list is what matters.
    if (!(e instanceof ClientError && e.data.code === 'not_found')) throw e;
  }
}
