/**
 * Authentication of HTTP requests and WebSocket upgrades: the claimed device
 * is looked up and its credential compared in constant time. Failures are
 * counted, never logged with the claimed id.
 */
import { ErrorCode } from '@tacet/wire';
import type { MiddlewareHandler } from 'hono';
import type { DeviceRecord } from '../accounts/account-store.js';
import { credentialMatches, loginFromHeaders } from '../accounts/credentials.js';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';

/** The authenticated device, or undefined. */
export async function authenticate(
  ctx: ServerContext,
  authorization: string | undefined,
  protocols: string | undefined,
): Promise<DeviceRecord | undefined> {
  const login = loginFromHeaders(authorization, protocols);
  const device = login ? await ctx.storage.accounts.getDevice(login.accountId, login.deviceId) : undefined;
  const ok = credentialMatches(login?.credential ?? '', device?.credentialHash);
  if (!ok || !device) {
    ctx.metrics.authFailures.inc();
    return undefined;
  }
  return device;
}

/** Variables a route can read after {@link requireDevice}. */
export type AuthEnv = { Variables: { device: DeviceRecord } };

/** Middleware: 401 unless the request carries a valid device credential. */
export function requireDevice(ctx: ServerContext): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const device = await authenticate(ctx, c.req.header('authorization'), undefined);
    if (!device) throw new HttpError(401, ErrorCode.Unauthorized, 'missing or wrong credential');
    c.set('device', device);
    await next();
  };
}
