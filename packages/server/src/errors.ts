/**
 * Server errors. Route code throws `HttpError(status, code)`; one handler
 * (http/app.ts) turns it into `{"error":{"code","message"}}`. Anything else
 * becomes a 500 with code `internal` that reveals nothing.
 */
import type { ErrorCode } from '@tacet/wire';

/**
 * @example throw new HttpError(404, ErrorCode.NotFound, 'no such device')
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503,
    readonly code: ErrorCode,
    message: string = code,
    /** Seconds a client should wait before retrying (429, 503). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}
