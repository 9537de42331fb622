/**
 * Account routes: proof-of-work challenge, anonymous registration, linking
 * another device, unlinking one, and deletion. The client address is used only for the
 * in-memory rate limiters.
 */
import { randomBytes } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import {
  ErrorCode,
  formatAccountId,
  LinkDeviceRequest,
  MAX_DEVICES_PER_ACCOUNT,
  MAX_SMALL_BODY_BYTES,
  RegisterRequest,
  type RegisterResponse,
  toBase64Url,
} from '@tacet/wire';
import { type Context, Hono } from 'hono';
import { DeviceIdsUsedUp } from '../accounts/account-store.js';
import { newCredential } from '../accounts/credentials.js';
import type { RateLimiter } from '../accounts/rate-limiter.js';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { type AuthEnv, requireDevice } from './auth.js';
import { limitBody, readJson } from './body.js';

/** The client address for rate limiting (used in memory only, never logged or stored). */
export function clientAddress(ctx: ServerContext, c: Context<{ Bindings: HttpBindings } & AuthEnv>): string {
  const peer = c.env.incoming.socket.remoteAddress ?? 'unknown';
  return ctx.proxies.clientAddress(peer, c.req.header('x-forwarded-for'));
}

export function limit(ctx: ServerContext, limiter: RateLimiter, address: string): void {
  const wait = limiter.take(address);
  if (wait > 0) {
    ctx.metrics.rateLimited.inc();
    throw new HttpError(429, ErrorCode.RateLimited, 'too many requests from this address', wait);
  }
}

const REDEEM_MESSAGES = {
  malformed: 'challenge is not one this server issued',
  expired: 'challenge expired; ask for a new one',
  reused: 'challenge already used',
  unsolved: 'nonce does not solve the challenge',
} as const;

/** Routes under /v1/accounts and /v1/devices. */
export function accountRoutes(ctx: ServerContext): Hono<{ Bindings: HttpBindings } & AuthEnv> {
  const app = new Hono<{ Bindings: HttpBindings } & AuthEnv>();

  app.post('/v1/accounts/challenge', limitBody(MAX_SMALL_BODY_BYTES), (c) => {
    limit(ctx, ctx.challengeLimiter, clientAddress(ctx, c));
    return c.json(ctx.pow.issue());
  });

  app.post('/v1/accounts', limitBody(MAX_SMALL_BODY_BYTES), async (c) => {
    const req = await readJson(c, RegisterRequest);
    limit(ctx, ctx.registrationLimiter, clientAddress(ctx, c));
    const outcome = ctx.pow.redeem(req.pow.challenge, req.pow.nonce);
    if (outcome !== 'ok') throw new HttpError(400, ErrorCode.PowInvalid, REDEEM_MESSAGES[outcome]);
    const { credential, hash } = newCredential();
    const accountId = new Uint8Array(randomBytes(16));
    const created = await ctx.storage.accounts.createAccount({
      accountId,
      credentialHash: hash,
      registrationId: req.registrationId,
      createdAt: Date.now(),
    });
    if (!created) throw new HttpError(500, ErrorCode.Internal);
    ctx.metrics.registrations.inc();
    const body: RegisterResponse = {
      accountId: formatAccountId(accountId),
      deviceId: 1,
      credential,
      trustRoot: toBase64Url(ctx.certificates.trustRoot.serialize()),
    };
    return c.json(body, 201);
  });

  app.post('/v1/devices', requireDevice(ctx), limitBody(MAX_SMALL_BODY_BYTES), async (c) => {
    const req = await readJson(c, LinkDeviceRequest);
    const { credential, hash } = newCredential();
    const me = c.get('device');
    const deviceId = await ctx.storage.accounts
      .addDevice(me.accountId, hash, req.registrationId, MAX_DEVICES_PER_ACCOUNT)
      .catch((e: unknown) => {
        if (e instanceof DeviceIdsUsedUp) throw new HttpError(409, ErrorCode.LimitExceeded, e.message);
        throw e;
      });
    if (deviceId === undefined) {
      throw new HttpError(
        409,
        ErrorCode.LimitExceeded,
        `an account has at most ${MAX_DEVICES_PER_ACCOUNT} devices`,
      );
    }
    const body: RegisterResponse = {
      accountId: formatAccountId(me.accountId),
      deviceId,
      credential,
      trustRoot: toBase64Url(ctx.certificates.trustRoot.serialize()),
    };
    return c.json(body, 201);
  });

  // Unlinking: the credential, keys and queue of the device go at once; the
  // caller signs and uploads the list without it (docs/provisioning.md).
  app.delete('/v1/devices/:deviceId', requireDevice(ctx), async (c) => {
    const me = c.get('device');
    const deviceId = Number(c.req.param('deviceId'));
    if (!Number.isInteger(deviceId) || deviceId < 1 || deviceId > 999)
      throw new HttpError(404, ErrorCode.NotFound, 'no such device');
    if (deviceId === me.deviceId)
      throw new HttpError(400, ErrorCode.BadRequest, 'a device cannot unlink itself; unlink it from another');
    if (!(await ctx.storage.accounts.removeDevice(me.accountId, deviceId)))
      throw new HttpError(404, ErrorCode.NotFound, 'no such device');
    ctx.hub.closeDevice(me.accountId, deviceId);
    return c.body(null, 204);
  });

  app.delete('/v1/accounts/me', requireDevice(ctx), async (c) => {
    const me = c.get('device');
    await ctx.storage.accounts.deleteAccount(me.accountId);
    ctx.hub.closeAccount(me.accountId);
    return c.body(null, 204);
  });

  return app;
}
