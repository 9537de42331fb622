/**
 * Handles one SendMessage: caps the ttl, commits every copy durably (or
 * none), wakes the recipients' connections, and describes the outcome for
 * the SendResult frame. The ack is built only after the commit resolved.
 */
import { ErrorCode, type SendMessage } from '@tacet/wire';
import type { ServerContext } from '../context.js';
import { leavesOutListedDevice } from '../devices/missing-devices.js';
import { deviceKey } from '../fanout/fanout.js';
import { errorFields } from '../logger.js';

export interface SendOutcome {
  ok: boolean;
  errorCode: string;
  errorMessage: string;
  failedIndexes: number[];
}

const MESSAGES = {
  unknown_recipient: 'no such account or device',
  queue_full: "a recipient device's queue is full; retry later",
  missing_device:
    "the message leaves out a device the recipient's signed device list names; re-check the list",
} as const;

function refused(
  ctx: ServerContext,
  code: ErrorCode,
  message: string,
  failedIndexes: number[] = [],
): SendOutcome {
  ctx.metrics.sendsRefused.inc({ code });
  ctx.errors.count(code);
  return { ok: false, errorCode: code, errorMessage: message, failedIndexes };
}

/** Commits a send and reports the outcome; storage failures become a retryable `unavailable`. */
export async function processSend(
  ctx: ServerContext,
  send: SendMessage,
  sender: { accountId: Uint8Array; deviceId: number },
): Promise<SendOutcome> {
  if (ctx.draining) return refused(ctx, ErrorCode.Unavailable, 'server is shutting down; retry');
  const started = performance.now();
  try {
    if (await leavesOutListedDevice(ctx.storage.deviceLists, send, sender))
      return refused(ctx, ErrorCode.MissingDevice, MESSAGES.missing_device);
  } catch (err) {
    ctx.logger.warn('device list lookup failed', errorFields(err));
    return refused(ctx, ErrorCode.Unavailable, 'storage unavailable; retry');
  }
  const now = Date.now();
  const maxTtl = ctx.config.maxRetentionSeconds;
  const ttl = send.ttlSeconds === 0 ? maxTtl : Math.min(send.ttlSeconds, maxTtl);
  // The decoded envelopes are the copies (accountId, deviceId, content): no second array of them per send.
  const copies = send.envelopes;
  let result: Awaited<ReturnType<typeof ctx.storage.queue.enqueue>>;
  try {
    result = await ctx.storage.queue.enqueue(
      { id: send.id, serverTimestamp: now, expiresAt: now + ttl * 1000, copies },
      ctx.config.maxQueueLength,
    );
  } catch (err) {
    ctx.logger.warn('enqueue failed', errorFields(err));
    return refused(ctx, ErrorCode.Unavailable, 'storage unavailable; retry');
  }
  if (!result.ok) return refused(ctx, result.code, MESSAGES[result.code], result.failedIndexes);
  ctx.metrics.messagesStored.inc({}, result.stored);
  ctx.metrics.sendLatency.observe((performance.now() - started) / 1000);
  ctx.fanout
    .publish(recipientKeys(copies))
    .catch((err) => ctx.logger.warn('fan-out failed', errorFields(err)));
  return { ok: true, errorCode: '', errorMessage: '', failedIndexes: [] };
}

/** Each recipient device's key once (a one-copy send, the common case, builds no set). */
function recipientKeys(copies: readonly { accountId: Uint8Array; deviceId: number }[]): string[] {
  const first = copies[0];
  if (copies.length === 1 && first) return [deviceKey(first.accountId, first.deviceId)];
  return [...new Set(copies.map((c) => deviceKey(c.accountId, c.deviceId)))];
}
