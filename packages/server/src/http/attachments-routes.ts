/**
 * Attachment routes (packages/server/README.md, "Attachments"):
 * `POST /v1/attachments` opens an upload slot with a credential bound to
 * that one id and valid for ATTACHMENT_UPLOAD_TTL_MS; `PUT` stores a piece
 * at `Upload-Offset` (or, with neither body nor offset, reports progress:
 * resumption after a broken connection); `GET` streams the finished blob to
 * an authenticated device; `PATCH` (upload credential) brings the deadline
 * forward to the sender's, known only once the message is sent; `DELETE` is a recipient device's acknowledgement
 * (the blob goes at the last one) or, with the upload credential, the
 * sender's withdrawal. The size cap is checked when the slot is opened, so
 * an oversized file is refused before a byte is sent.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import {
  ATTACHMENT_ID_BYTES,
  AttachmentDeadlineRequest,
  CreateAttachmentRequest,
  type CreateAttachmentResponse,
  ErrorCode,
  fromBase64Url,
  MAX_ATTACHMENT_PIECE_BYTES,
  MAX_SMALL_BODY_BYTES,
  toBase64Url,
  UPLOAD_OFFSET_HEADER,
  type UploadStatusResponse,
} from '@tacet/wire';
import { type Context, Hono } from 'hono';
import { credentialMatches, newCredential } from '../accounts/credentials.js';
import type { AttachmentInfo } from '../attachments/attachment-store.js';
import { appendBody } from '../attachments/upload-body.js';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { ATTACHMENT_UPLOAD_TTL_MS } from '../limits.js';
import { type AuthEnv, authenticate, requireDevice } from './auth.js';
import { limitBody, readJson } from './body.js';

function parseId(s: string): Uint8Array {
  let id: Uint8Array | undefined;
  try {
    id = s.length === 43 ? fromBase64Url(s) : undefined;
  } catch {
    id = undefined;
  }
  if (!id || id.length !== ATTACHMENT_ID_BYTES)
    throw new HttpError(404, ErrorCode.NotFound, 'no such attachment');
  return id;
}

function bearer(c: Context): string | undefined {
  const m = /^Bearer ([A-Za-z0-9_-]{1,100})$/.exec(c.req.header('authorization') ?? '');
  return m?.[1];
}

/** The slot behind `id` if `token` is its live upload credential; 401 otherwise (same answer for a missing id). */
async function uploadSlot(
  ctx: ServerContext,
  id: Uint8Array,
  token: string | undefined,
): Promise<AttachmentInfo> {
  const info = await ctx.storage.attachments.get(id);
  if (!credentialMatches(token ?? '', info?.credentialHash) || !info)
    throw new HttpError(401, ErrorCode.Unauthorized, 'missing or wrong upload credential');
  return info;
}

function status(info: AttachmentInfo, offset = info.received): UploadStatusResponse {
  return { offset, size: info.size, complete: offset === info.size };
}

/** A device's acknowledgement key: dedupes repeats without storing who acknowledged. */
function ackKey(id: Uint8Array, accountId: Uint8Array, deviceId: number): Uint8Array {
  return createHash('sha256').update(id).update(accountId).update(String(deviceId)).digest();
}

function streamOf(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      try {
        const next = await it.next();
        if (next.done) ctl.close();
        else ctl.enqueue(next.value);
      } catch (err) {
        ctl.error(err);
      }
    },
    async cancel() {
      await it.return?.();
    },
  });
}

export function attachmentRoutes(ctx: ServerContext) {
  const app = new Hono<{ Bindings: HttpBindings } & AuthEnv>();
  const store = ctx.storage.attachments;

  app.post('/v1/attachments', requireDevice(ctx), limitBody(MAX_SMALL_BODY_BYTES), async (c) => {
    const req = await readJson(c, CreateAttachmentRequest);
    const cap = ctx.config.maxAttachmentBytes;
    if (req.size > cap) {
      throw new HttpError(
        413,
        ErrorCode.PayloadTooLarge,
        `the attachment (${req.size} bytes encrypted) is larger than this server's limit of ${cap} bytes`,
      );
    }
    const now = Date.now();
    if (req.deleteAt !== undefined && req.deleteAt <= now)
      throw new HttpError(400, ErrorCode.BadRequest, 'deleteAt is in the past');
    const expiresAt = Math.min(req.deleteAt ?? Infinity, now + ctx.config.maxRetentionSeconds * 1000);
    const id = new Uint8Array(randomBytes(ATTACHMENT_ID_BYTES));
    const { credential, hash } = newCredential();
    const uploadExpiresAt = Math.min(now + ATTACHMENT_UPLOAD_TTL_MS, expiresAt);
    await store.create({
      id,
      size: req.size,
      credentialHash: hash,
      uploadExpiresAt,
      expiresAt,
      recipients: req.recipients,
    });
    const body: CreateAttachmentResponse = {
      id: toBase64Url(id),
      uploadCredential: credential,
      uploadExpiresAt,
      expiresAt,
      maxPieceBytes: MAX_ATTACHMENT_PIECE_BYTES,
    };
    return c.json(body, 201);
  });

  app.put('/v1/attachments/:id', async (c) => {
    const id = parseId(c.req.param('id'));
    const info = await uploadSlot(ctx, id, bearer(c));
    if (info.received < info.size && info.uploadExpiresAt <= Date.now())
      throw new HttpError(401, ErrorCode.Unauthorized, 'the upload credential has expired');
    const header = c.req.header(UPLOAD_OFFSET_HEADER);
    if (header === undefined) {
      if (Number(c.req.header('content-length') ?? 0) > 0)
        throw new HttpError(400, ErrorCode.BadRequest, `a piece needs an ${UPLOAD_OFFSET_HEADER} header`);
      return c.json(status(info));
    }
    if (!/^(0|[1-9][0-9]{0,14})$/.test(header))
      throw new HttpError(400, ErrorCode.BadRequest, `bad ${UPLOAD_OFFSET_HEADER}`);
    const offset = Number(header);
    const elsewhere = (received: number) =>
      c.json(
        { error: { code: ErrorCode.UploadOffset, message: 'resume at offset' }, ...status(info, received) },
        409,
      );
    if (offset !== info.received) return elsewhere(info.received);
    const limit = Math.min(MAX_ATTACHMENT_PIECE_BYTES, info.size - offset);
    const length = c.req.header('content-length');
    if (length !== undefined && Number(length) > limit)
      throw new HttpError(413, ErrorCode.PayloadTooLarge, `a piece here may have at most ${limit} bytes`);
    const r = await appendBody(store, id, offset, c.req.raw.body, limit);
    if (!r.ok && r.reason === 'missing') throw new HttpError(404, ErrorCode.NotFound, 'no such attachment');
    // Another request moved the offset meanwhile (the tail of a cut one): say where it is now.
    if (!r.ok) return elsewhere(r.received);
    return c.json(status(info, r.received));
  });

  app.patch('/v1/attachments/:id', limitBody(MAX_SMALL_BODY_BYTES), async (c) => {
    const id = parseId(c.req.param('id'));
    await uploadSlot(ctx, id, bearer(c));
    const { deleteAt } = await readJson(c, AttachmentDeadlineRequest);
    // A deadline already reached is the sender's withdrawal, which the credential allows anyway.
    if (deleteAt <= Date.now()) await store.delete(id);
    else if (!(await store.shortenDeadline(id, deleteAt)))
      throw new HttpError(404, ErrorCode.NotFound, 'no such attachment');
    return c.body(null, 204);
  });

  app.get('/v1/attachments/:id', requireDevice(ctx), async (c) => {
    const id = parseId(c.req.param('id'));
    const info = await store.get(id);
    const blob = info && (await store.read(id));
    if (!info || !blob) throw new HttpError(404, ErrorCode.NotFound, 'no such attachment');
    return new Response(streamOf(blob), {
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(info.size) },
    });
  });

  app.delete('/v1/attachments/:id', async (c) => {
    const id = parseId(c.req.param('id'));
    const token = bearer(c);
    if (token !== undefined) {
      await uploadSlot(ctx, id, token);
      await store.delete(id);
      return c.body(null, 204);
    }
    const device = await authenticate(ctx, c.req.header('authorization'), undefined);
    if (!device) throw new HttpError(401, ErrorCode.Unauthorized, 'missing or wrong credential');
    const r = await store.ack(id, ackKey(id, device.accountId, device.deviceId));
    if (r === 'missing') throw new HttpError(404, ErrorCode.NotFound, 'no such attachment');
    return c.body(null, 204);
  });

  return app;
}
