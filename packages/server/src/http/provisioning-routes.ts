/**
 * Provisioning channels (docs/provisioning.md): a new device opens one,
 * shows its id inside the link code, and the account's existing device and
 * the new one pass three blobs through it. The server relays bytes it cannot
 * read (an ephemeral public key and two ciphertexts), each slot written
 * once, bounded in size, gone at the channel's expiry. No account is needed
 * (the new device has none yet): the 128-bit random id is the capability,
 * and opening a channel is rate-limited per address like registration.
 */
import { randomBytes } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import {
  ErrorCode,
  fromBase64Url,
  MAX_PROVISIONING_MESSAGE_BYTES,
  MAX_SMALL_BODY_BYTES,
  PROVISIONING_CHANNEL_BYTES,
  PROVISIONING_SLOTS,
  PROVISIONING_TTL_MS,
  type ProvisioningChannelResponse,
  toBase64Url,
} from '@tacet/wire';
import { type Context, Hono } from 'hono';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { clientAddress, limit } from './accounts-routes.js';
import type { AuthEnv } from './auth.js';
import { limitBody } from './body.js';

const gone = () => new HttpError(404, ErrorCode.NotFound, 'no such link channel (it may have expired)');

function channelOf(c: Context): Uint8Array {
  const s = c.req.param('channel') ?? '';
  let id: Uint8Array | undefined;
  try {
    id = s.length === 22 ? fromBase64Url(s) : undefined;
  } catch {
    id = undefined;
  }
  if (!id || id.length !== PROVISIONING_CHANNEL_BYTES) throw gone();
  return id;
}

function slotOf(c: Context): number {
  const slot = Number(c.req.param('slot'));
  if (!Number.isInteger(slot) || slot < 1 || slot > PROVISIONING_SLOTS)
    throw new HttpError(404, ErrorCode.NotFound, `a link channel has slots 1 to ${PROVISIONING_SLOTS}`);
  return slot;
}

/** Routes under /v1/provisioning. */
export function provisioningRoutes(ctx: ServerContext): Hono<{ Bindings: HttpBindings } & AuthEnv> {
  const app = new Hono<{ Bindings: HttpBindings } & AuthEnv>();

  app.post('/v1/provisioning', limitBody(MAX_SMALL_BODY_BYTES), async (c) => {
    limit(ctx, ctx.registrationLimiter, clientAddress(ctx, c));
    const now = Date.now();
    const channel = new Uint8Array(randomBytes(PROVISIONING_CHANNEL_BYTES));
    const expiresAt = now + PROVISIONING_TTL_MS;
    if (!(await ctx.storage.provisioning.openChannel(channel, expiresAt, now)))
      throw new HttpError(500, ErrorCode.Internal);
    const body: ProvisioningChannelResponse = { channel: toBase64Url(channel), expiresAt };
    return c.json(body, 201);
  });

  app.put('/v1/provisioning/:channel/:slot', limitBody(MAX_PROVISIONING_MESSAGE_BYTES), async (c) => {
    const channel = channelOf(c);
    const slot = slotOf(c);
    const blob = new Uint8Array(await c.req.arrayBuffer());
    if (blob.length === 0) throw new HttpError(400, ErrorCode.BadRequest, 'an empty link message');
    const result = await ctx.storage.provisioning.putSlot(channel, slot, blob, Date.now());
    if (result === 'no_channel') throw gone();
    if (result === 'taken')
      throw new HttpError(409, ErrorCode.BadRequest, 'this link message was already posted');
    return c.body(null, 204);
  });

  app.get('/v1/provisioning/:channel/:slot', async (c) => {
    const blob = await ctx.storage.provisioning.getSlot(channelOf(c), slotOf(c), Date.now());
    if (blob === 'no_channel') throw gone();
    if (!blob) return c.body(null, 204);
    return c.body(blob as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/octet-stream' });
  });

  app.delete('/v1/provisioning/:channel', async (c) => {
    await ctx.storage.provisioning.closeChannel(channelOf(c));
    return c.body(null, 204);
  });

  return app;
}
