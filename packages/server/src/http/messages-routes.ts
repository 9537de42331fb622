/**
 * PUT /v1/messages/multi-recipient?id=<base64url 16 bytes>&ttl=<seconds>:
 * one sealed sender v2 sent message (body, application/octet-stream) fanned
 * out to every device it lists in one durable commit. The single response is
 * the ack for all copies; `refused` names each device that got none
 * (unknown_recipient or queue_full), so the sender can tell those members.
 * `&all=1` asks the server to hold the upload to the signed device lists:
 * `missing` then names each account left incomplete, and nothing is stored.
 */
import type { HttpBindings } from '@hono/node-server';
import { SEALED_SENDER_V2_SENT_MAX_LENGTH } from '@tacet/protocol';
import { ErrorCode, formatAccountId, fromBase64Url, MESSAGE_ID_BYTES, WireError } from '@tacet/wire';
import { Hono } from 'hono';
import type { ServerContext } from '../context.js';
import { processMultiRecipientSend } from '../delivery/multi-recipient-send.js';
import { HttpError } from '../errors.js';
import { type AuthEnv, requireDevice } from './auth.js';
import { limitBody } from './body.js';

/** The response body. */
export interface MultiRecipientResponse {
  stored: number;
  refused: { accountId: string; deviceId: number; code: 'unknown_recipient' | 'queue_full' }[];
  /** With `all=1`: accounts whose signed list names a device left out; when any, nothing was stored. */
  missing?: string[];
}

function messageId(raw: string | undefined): Uint8Array {
  let id: Uint8Array | undefined;
  try {
    id = raw === undefined ? undefined : fromBase64Url(raw, 'id');
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
  }
  if (id?.length !== MESSAGE_ID_BYTES)
    throw new HttpError(400, ErrorCode.BadRequest, `id must be ${MESSAGE_ID_BYTES} bytes, base64url`);
  return id;
}

function ttlSeconds(raw: string | undefined): number {
  if (raw === undefined) return 0;
  if (!/^\d{1,10}$/.test(raw)) throw new HttpError(400, ErrorCode.BadRequest, 'ttl must be whole seconds');
  return Number(raw);
}

/** Routes under /v1/messages. */
export function messageRoutes(ctx: ServerContext): Hono<{ Bindings: HttpBindings } & AuthEnv> {
  const app = new Hono<{ Bindings: HttpBindings } & AuthEnv>();

  app.put(
    '/v1/messages/multi-recipient',
    requireDevice(ctx),
    limitBody(SEALED_SENDER_V2_SENT_MAX_LENGTH),
    async (c) => {
      const id = messageId(c.req.query('id'));
      const ttl = ttlSeconds(c.req.query('ttl'));
      const body = new Uint8Array(await c.req.arrayBuffer());
      const me = c.get('device');
      const all = c.req.query('all') === '1' ? { sender: me } : undefined;
      const outcome = await processMultiRecipientSend(ctx, id, ttl, body, all);
      const response: MultiRecipientResponse = {
        stored: outcome.stored,
        refused: outcome.refused.map((r) => ({
          accountId: formatAccountId(r.accountId),
          deviceId: r.deviceId,
          code: r.code,
        })),
        ...(all ? { missing: outcome.missing.map((a) => formatAccountId(a)) } : {}),
      };
      return c.json(response);
    },
  );

  return app;
}
