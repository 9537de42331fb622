/** Size-limited, schema-checked JSON bodies. */
import { ErrorCode, parseJson, type Validator, WireError } from '@tacet/wire';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HttpError } from '../errors.js';

/** Middleware refusing bodies over `maxSize` bytes with 413 payload_too_large (streamed, not buffered). */
export function limitBody(maxSize: number): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new HttpError(413, ErrorCode.PayloadTooLarge, `body larger than ${maxSize} bytes`);
    },
  });
}

/** Parses and validates the JSON body; schema failures become 400 with the wire error's code. */
export async function readJson<T>(c: Context, validator: Validator<T>): Promise<T> {
  const text = await c.req.text();
  try {
    return parseJson(text, validator);
  } catch (err) {
    if (err instanceof WireError) throw new HttpError(400, err.code, err.message);
    throw err;
  }
}
