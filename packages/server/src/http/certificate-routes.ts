/**
 * Sender-certificate routes: the delivery certificate of the calling device
 * (libsignal's SenderCertificate, issued only for the authenticated account
 * and device with the identity key stored for it), and the trust root for
 * profiles registered before it was pinned at registration.
 */
import type { HttpBindings } from '@hono/node-server';
import {
  ErrorCode,
  formatAccountId,
  type SenderCertificateResponse,
  type TrustRootResponse,
  toBase64Url,
} from '@tacet/wire';
import { Hono } from 'hono';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { type AuthEnv, requireDevice } from './auth.js';

/** Routes under /v1/certificate. */
export function certificateRoutes(ctx: ServerContext): Hono<{ Bindings: HttpBindings } & AuthEnv> {
  const app = new Hono<{ Bindings: HttpBindings } & AuthEnv>();

  app.get('/v1/certificate/delivery', requireDevice(ctx), async (c) => {
    const me = c.get('device');
    const identityKey = await ctx.storage.keys.getIdentityKey(me.accountId);
    if (!identityKey) throw new HttpError(409, ErrorCode.KeysMissing, 'upload an identity key first');
    const issued = await ctx.certificates.issue(
      { accountId: formatAccountId(me.accountId), deviceId: me.deviceId, identityKey },
      Date.now(),
    );
    const body: SenderCertificateResponse = {
      certificate: toBase64Url(issued.certificate),
      expires: issued.expires,
    };
    return c.json(body);
  });

  app.get('/v1/certificate/trust-root', (c) => {
    const body: TrustRootResponse = { trustRoot: toBase64Url(ctx.certificates.trustRoot.serialize()) };
    return c.json(body);
  });

  return app;
}
