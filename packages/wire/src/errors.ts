/**
 * Stable error codes shared by the server and its clients. The server puts one
 * in every error response (`{"error":{"code","message"}}`) and in every
 * refused WebSocket frame; clients branch on the code, never on the text.
 * Codes are never renamed or reused; new ones may be added.
 */
export const ErrorCode = {
  /** The request or frame does not match its schema. Do not retry unchanged. */
  BadRequest: 'bad_request',
  /** Body or frame larger than its limit. */
  PayloadTooLarge: 'payload_too_large',
  /** Missing or wrong credential. */
  Unauthorized: 'unauthorized',
  /** No such route, account, device or key. */
  NotFound: 'not_found',
  /** A message names an account or device that does not exist. */
  UnknownRecipient: 'unknown_recipient',
  /**
   * A send meant for all of an account's devices left out one its signed
   * device list names: nothing was stored; re-check the list and send again.
   */
  MissingDevice: 'missing_device',
  /** The recipient device's queue is full; retry later. */
  QueueFull: 'queue_full',
  /** Too many requests from this address; retry after `Retry-After` seconds. */
  RateLimited: 'rate_limited',
  /** Proof-of-work challenge missing, malformed, expired, reused or unsolved. */
  PowInvalid: 'pow_invalid',
  /** A key has the wrong type byte or length. */
  InvalidKey: 'invalid_key',
  /** A prekey signature does not verify under the identity key. */
  InvalidSignature: 'invalid_signature',
  /** The identity key differs from the one already stored for the account. */
  IdentityKeyMismatch: 'identity_key_mismatch',
  /** The operation needs keys that have not been uploaded yet. */
  KeysMissing: 'keys_missing',
  /** Too many devices or prekeys for this account. */
  LimitExceeded: 'limit_exceeded',
  /** An upload piece does not start where the server's copy ends; ask for the offset and resume there. */
  UploadOffset: 'upload_offset',
  /** A signed device list no newer than the one stored for the account. */
  StaleDeviceList: 'stale_device_list',
  /** The server is shutting down or its storage is unavailable; retry. */
  Unavailable: 'unavailable',
  /** Something failed inside the server; nothing more is revealed. */
  Internal: 'internal',
} as const;

/** One of the stable codes in {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const ALL_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** Whether `code` is a known stable error code. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && ALL_CODES.has(code);
}

/** Codes after which the same request may succeed if retried later. */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.QueueFull,
  ErrorCode.RateLimited,
  ErrorCode.Unavailable,
  ErrorCode.Internal,
]);

/**
 * Outside bytes or JSON that could not be decoded or failed a schema check.
 * `code` is always a stable {@link ErrorCode}; `path` names the field.
 * @example
 * try { decodeClientFrame(bytes) } catch (e) { if (e instanceof WireError) close(e.code) }
 */
export class WireError extends Error {
  override readonly name: string = 'WireError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly path = '',
  ) {
    super(path ? `${path}: ${message}` : message);
  }
}
