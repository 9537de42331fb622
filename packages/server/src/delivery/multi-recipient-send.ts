/**
 * One sealed sender v2 multi-recipient upload (docs/protocol.md §8.4) split
 * into one copy per recipient device and committed in one durable commit.
 * The server learns only which devices get a copy — as for 1:1 sends — never
 * a group. A recipient's service id is its 16-byte account id written as an
 * ACI uuid; every device listed for it gets the same received-format bytes.
 * Copies for unknown devices or full queues are reported back one by one
 * instead of failing the whole message (one member must not hold back a group).
 * Asked for all devices (as a 1:1 send is), an upload that leaves out a
 * device some account's signed list names stores nothing and names those
 * accounts, so the sender re-checks their lists before anything goes.
 */
import {
  distributionIdToBytes,
  ProtocolError,
  parseSealedSenderMultiRecipientMessage,
  type SealedSenderMultiRecipientMessage,
} from '@tacet/protocol';
import { ErrorCode, MAX_CONTENT_BYTES } from '@tacet/wire';
import type { ServerContext } from '../context.js';
import { type Addressed, accountsLeftIncomplete } from '../devices/missing-devices.js';
import { HttpError } from '../errors.js';
import { deviceKey } from '../fanout/fanout.js';
import { errorFields } from '../logger.js';
import type { OutgoingCopy } from './queue-store.js';

/** Copies one upload may expand to: 1,000 members with up to ten devices each. */
export const MAX_MULTI_RECIPIENT_COPIES = 10_000;

/** A copy the server did not store, and why. */
export interface RefusedRecipient {
  accountId: Uint8Array;
  deviceId: number;
  code: 'unknown_recipient' | 'queue_full';
}

export interface MultiRecipientOutcome {
  /** Copies newly stored (a resend stores none again). */
  stored: number;
  refused: RefusedRecipient[];
  /**
   * Asked for all devices: the accounts whose signed device list names a
   * device the upload left out. When any is named, nothing was stored: the
   * sender re-checks those lists and sends again (as a 1:1 missing_device).
   */
  missing: Uint8Array[];
}

function parse(body: Uint8Array): SealedSenderMultiRecipientMessage {
  try {
    return parseSealedSenderMultiRecipientMessage(body);
  } catch (err) {
    if (err instanceof ProtocolError)
      throw new HttpError(400, ErrorCode.BadRequest, `not a multi-recipient message: ${err.message}`);
    throw err;
  }
}

/**
 * The copies of a sent message: one per listed device. A PNI recipient (tacet
 * has none) cannot name an account, so its devices come back as `unknown`.
 */
export function splitMultiRecipient(body: Uint8Array): {
  copies: OutgoingCopy[];
  unknown: RefusedRecipient[];
} {
  const message = parse(body);
  const copies: OutgoingCopy[] = [];
  const unknown: RefusedRecipient[] = [];
  for (const [serviceId, recipient] of message.recipients) {
    if (serviceId.startsWith('PNI:')) {
      const accountId = distributionIdToBytes(serviceId.slice(4));
      for (const d of recipient.devices)
        unknown.push({ accountId, deviceId: d.deviceId, code: 'unknown_recipient' });
      continue;
    }
    const accountId = distributionIdToBytes(serviceId);
    // Shared by all devices of the recipient: the stored bytes are the same for each.
    const content = message.messageForRecipient(serviceId);
    if (content.length > MAX_CONTENT_BYTES)
      throw new HttpError(413, ErrorCode.PayloadTooLarge, `a copy is larger than ${MAX_CONTENT_BYTES} bytes`);
    for (const d of recipient.devices) copies.push({ accountId, deviceId: d.deviceId, content });
  }
  if (copies.length + unknown.length > MAX_MULTI_RECIPIENT_COPIES)
    throw new HttpError(
      413,
      ErrorCode.PayloadTooLarge,
      `more than ${MAX_MULTI_RECIPIENT_COPIES} recipient devices in one message`,
    );
  return { copies, unknown };
}

/**
 * Commits every deliverable copy in one commit, wakes those devices, and
 * reports the rest. Throws HttpError 503 when draining or storage fails
 * (nothing was stored; the client retries with the same id).
 *
 * @example
 * const { stored, refused } = await processMultiRecipientSend(ctx, id, 0, body);
 */
export async function processMultiRecipientSend(
  ctx: ServerContext,
  id: Uint8Array,
  ttlSeconds: number,
  body: Uint8Array,
  /** Set when the upload is meant for every listed device of each account it addresses. */
  allDevicesOf?: { sender: Addressed },
): Promise<MultiRecipientOutcome> {
  if (ctx.draining) throw new HttpError(503, ErrorCode.Unavailable, 'server is shutting down; retry');
  const started = performance.now();
  const { copies, unknown } = splitMultiRecipient(body);
  if (allDevicesOf) {
    const missing = await incompleteAccounts(ctx, copies, allDevicesOf.sender);
    if (missing.length > 0) return { stored: 0, refused: [], missing };
  }
  const now = Date.now();
  const maxTtl = ctx.config.maxRetentionSeconds;
  const ttl = ttlSeconds === 0 ? maxTtl : Math.min(ttlSeconds, maxTtl);
  let result: Awaited<ReturnType<typeof ctx.storage.queue.enqueueEach>>;
  try {
    result = await ctx.storage.queue.enqueueEach(
      { id, serverTimestamp: now, expiresAt: now + ttl * 1000, copies },
      ctx.config.maxQueueLength,
    );
  } catch (err) {
    ctx.logger.warn('multi-recipient enqueue failed', errorFields(err));
    throw new HttpError(503, ErrorCode.Unavailable, 'storage unavailable; retry');
  }
  ctx.metrics.messagesStored.inc({}, result.stored);
  ctx.metrics.sendLatency.observe((performance.now() - started) / 1000);
  const refusedAt = new Set(result.refused.map((r) => r.index));
  const keys = new Set<string>();
  copies.forEach((c, i) => {
    if (!refusedAt.has(i)) keys.add(deviceKey(c.accountId, c.deviceId));
  });
  ctx.fanout.publish([...keys]).catch((err) => ctx.logger.warn('fan-out failed', errorFields(err)));
  const refused = [
    ...unknown,
    ...result.refused.map((r): RefusedRecipient => {
      const c = copies[r.index] as OutgoingCopy;
      return { accountId: c.accountId, deviceId: c.deviceId, code: r.code };
    }),
  ];
  for (const r of refused) ctx.errors.count(r.code);
  return { stored: result.stored, refused, missing: [] };
}

async function incompleteAccounts(ctx: ServerContext, copies: OutgoingCopy[], sender: Addressed) {
  try {
    return await accountsLeftIncomplete(ctx.storage.deviceLists, copies, sender);
  } catch (err) {
    ctx.logger.warn('device list lookup failed', errorFields(err));
    throw new HttpError(503, ErrorCode.Unavailable, 'storage unavailable; retry');
  }
}
