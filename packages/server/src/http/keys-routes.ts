/**
 * Prekey directory routes: upload (with format and signature checks), the
 * one-time key count, bundle fetches that consume one-time keys, and the
 * identity-key lookup that consumes nothing.
 */
import type { HttpBindings } from '@hono/node-server';
import {
  accountIdField,
  type DeviceBundleJson,
  ErrorCode,
  type IdentityKeyResponse,
  KeysUploadRequest,
  MAX_KEYS_BODY_BYTES,
  type PreKeyBundleResponse,
  type PreKeyCountResponse,
  toBase64Url,
  WireError,
} from '@tacet/wire';
import { Hono } from 'hono';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { deviceKey } from '../fanout/fanout.js';
import type { ClaimedDeviceBundle, StoredSignedPreKey } from '../keys/key-store.js';
import { verifyKeyUpload } from '../keys/key-verifier.js';
import { MAX_STORED_ONE_TIME_KEYS } from '../limits.js';
import { type AuthEnv, requireDevice } from './auth.js';
import { limitBody, readJson } from './body.js';

const signedJson = (k: StoredSignedPreKey) => ({
  keyId: k.keyId,
  publicKey: toBase64Url(k.publicKey),
  signature: toBase64Url(k.signature),
});

function deviceJson(d: ClaimedDeviceBundle): DeviceBundleJson {
  const out: DeviceBundleJson = {
    deviceId: d.deviceId,
    registrationId: d.registrationId,
    signedPreKey: signedJson(d.signedPreKey),
    pqPreKey: signedJson(d.pqPreKey),
  };
  if (d.preKey) out.preKey = { keyId: d.preKey.keyId, publicKey: toBase64Url(d.preKey.publicKey) };
  return out;
}

function parseAccount(account: string): Uint8Array {
  try {
    return accountIdField(account, 'accountId');
  } catch (err) {
    throw new HttpError(400, ErrorCode.BadRequest, err instanceof WireError ? err.message : 'bad account id');
  }
}

function parseTarget(
  account: string,
  device: string,
): { accountId: Uint8Array; deviceId: number | undefined } {
  const accountId = parseAccount(account);
  if (device === '*') return { accountId, deviceId: undefined };
  if (!/^[1-9][0-9]{0,2}$/.test(device))
    throw new HttpError(400, ErrorCode.BadRequest, 'deviceId must be 1..999 or *');
  return { accountId, deviceId: Number(device) };
}

/** Routes under /v1/keys. */
export function keyRoutes(ctx: ServerContext): Hono<{ Bindings: HttpBindings } & AuthEnv> {
  const app = new Hono<{ Bindings: HttpBindings } & AuthEnv>();
  app.use('/v1/keys', requireDevice(ctx));
  app.use('/v1/keys/*', requireDevice(ctx));

  app.put('/v1/keys', limitBody(MAX_KEYS_BODY_BYTES), async (c) => {
    const upload = await readJson(c, KeysUploadRequest);
    verifyKeyUpload(upload);
    const me = c.get('device');
    const result = await ctx.storage.keys.putKeys(
      me.accountId,
      me.deviceId,
      upload,
      MAX_STORED_ONE_TIME_KEYS,
    );
    if (result === 'identity_key_mismatch') {
      throw new HttpError(
        409,
        ErrorCode.IdentityKeyMismatch,
        'identityKey differs from the one stored for this account',
      );
    }
    if (result === 'too_many_keys') {
      throw new HttpError(
        409,
        ErrorCode.LimitExceeded,
        `at most ${MAX_STORED_ONE_TIME_KEYS} one-time keys of each kind`,
      );
    }
    if (result === 'no_device') throw new HttpError(401, ErrorCode.Unauthorized, 'device no longer exists');
    return c.body(null, 204);
  });

  app.get('/v1/keys/count', async (c) => {
    const me = c.get('device');
    const body: PreKeyCountResponse = await ctx.storage.keys.countOneTimeKeys(me.accountId, me.deviceId);
    return c.json(body);
  });

  // Before the bundle route: a client checks a first message's claimed sender here.
  app.get('/v1/keys/:account/identity', async (c) => {
    const accountId = parseAccount(c.req.param('account'));
    const wait = ctx.identityLookupLimiter.take(deviceKey(c.get('device').accountId, 0));
    if (wait > 0) {
      ctx.metrics.rateLimited.inc();
      throw new HttpError(429, ErrorCode.RateLimited, 'too many identity lookups from this account', wait);
    }
    const identityKey = await ctx.storage.keys.getIdentityKey(accountId);
    if (!identityKey) throw new HttpError(404, ErrorCode.NotFound, 'no such account, or it has no keys');
    const body: IdentityKeyResponse = { identityKey: toBase64Url(identityKey) };
    return c.json(body);
  });

  app.get('/v1/keys/:account/:device', async (c) => {
    const { accountId, deviceId } = parseTarget(c.req.param('account'), c.req.param('device'));
    const requester = deviceKey(c.get('device').accountId, 0);
    // The target's own bucket first: a drain attempt spends only that, not the sender's overall allowance.
    const waitTarget = ctx.prekeyTargetLimiter.take(`${requester}>${deviceKey(accountId, 0)}`);
    if (waitTarget > 0) {
      ctx.metrics.rateLimited.inc();
      throw new HttpError(
        429,
        ErrorCode.RateLimited,
        'too many prekey fetches of this account from this account',
        waitTarget,
      );
    }
    const wait = ctx.prekeyFetchLimiter.take(requester);
    if (wait > 0) {
      ctx.metrics.rateLimited.inc();
      throw new HttpError(429, ErrorCode.RateLimited, 'too many prekey fetches from this account', wait);
    }
    const bundle = await ctx.storage.keys.claimBundle(accountId, deviceId);
    if (!bundle) throw new HttpError(404, ErrorCode.NotFound, 'no such account or device, or it has no keys');
    for (const d of bundle.devices) {
      if (d.preKey) ctx.metrics.prekeysClaimed.inc({ kind: 'ec' });
      ctx.metrics.prekeysClaimed.inc({ kind: d.pqPreKeyIsLastResort ? 'kyber_last_resort' : 'kyber' });
    }
    const body: PreKeyBundleResponse = {
      identityKey: toBase64Url(bundle.identityKey),
      devices: bundle.devices.map(deviceJson),
    };
    // Served with every bundle so a sender can refuse devices the account never signed for.
    const signed = await ctx.storage.deviceLists.getDeviceList(accountId);
    if (signed) body.deviceList = toBase64Url(signed.list);
    return c.json(body);
  });

  return app;
}
