/**
 * `PUT /v1/devices/list`: an account's own device uploads the signed device
 * list (docs/device-list.md). The server checks what it can — the form, that
 * it names the caller's account, that the account's identity key signed it,
 * that it is newer — so a broken client cannot store garbage; senders still
 * check it themselves, since the server holds no identity key and cannot
 * make a list, but could serve an old one.
 */
import type { HttpBindings } from '@hono/node-server';
import { PublicKey, SignedDeviceList } from '@tacet/protocol';
import { DeviceListUploadRequest, ErrorCode, MAX_SMALL_BODY_BYTES } from '@tacet/wire';
import { Hono } from 'hono';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { type AuthEnv, requireDevice } from './auth.js';
import { limitBody, readJson } from './body.js';

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export function deviceListRoutes(ctx: ServerContext): Hono<{ Bindings: HttpBindings } & AuthEnv> {
  const app = new Hono<{ Bindings: HttpBindings } & AuthEnv>();

  app.put('/v1/devices/list', requireDevice(ctx), limitBody(MAX_SMALL_BODY_BYTES), async (c) => {
    const { deviceList } = await readJson(c, DeviceListUploadRequest);
    const me = c.get('device');
    let list: SignedDeviceList;
    try {
      list = SignedDeviceList.decode(deviceList);
    } catch {
      throw new HttpError(400, ErrorCode.BadRequest, 'deviceList: not a canonical signed device list');
    }
    if (!sameBytes(list.accountId, me.accountId))
      throw new HttpError(400, ErrorCode.BadRequest, 'deviceList: names another account');
    const identityKey = await ctx.storage.keys.getIdentityKey(me.accountId);
    if (!identityKey) throw new HttpError(409, ErrorCode.KeysMissing, 'upload the identity key first');
    if (!list.verify(PublicKey.deserialize(identityKey)))
      throw new HttpError(400, ErrorCode.InvalidSignature, 'deviceList: not signed by the identity key');
    const result = await ctx.storage.deviceLists.putDeviceList(me.accountId, list.version, deviceList);
    if (result === 'no_account') throw new HttpError(401, ErrorCode.Unauthorized, 'account no longer exists');
    if (result === 'stale')
      throw new HttpError(409, ErrorCode.StaleDeviceList, 'a list with this version or newer is stored');
    return c.body(null, 204);
  });

  return app;
}
