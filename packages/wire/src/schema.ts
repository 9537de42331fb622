/**
 * A tiny validator kit for the JSON API: each validator checks an unknown
 * value and returns it typed, or throws WireError(bad_request) naming the
 * field. Hand-written so the package stays dependency-free and every check is
 * bounded by the body size limit.
 */
import { fromBase64Url } from './base64.js';
import { ErrorCode, WireError } from './errors.js';

/** Checks and converts an unknown value; throws WireError when it does not fit. */
export type Validator<T> = (value: unknown, path: string) => T;

function fail(path: string, message: string): never {
  throw new WireError(ErrorCode.BadRequest, message, path);
}

/** An integer in [min, max]. */
export function int(min: number, max: number): Validator<number> {
  return (v, path) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      fail(path, `must be an integer in ${min}..${max}`);
    }
    return v;
  };
}

/** A string of at most `maxLength` characters. */
export function str(maxLength: number): Validator<string> {
  return (v, path) => {
    if (typeof v !== 'string' || v.length > maxLength) fail(path, `must be a string of at most ${maxLength}`);
    return v;
  };
}

/** Base64url bytes whose decoded length is exactly `length`. */
export function bytes(length: number): Validator<Uint8Array> {
  return (v, path) => {
    if (typeof v !== 'string' || v.length > Math.ceil((length * 4) / 3))
      fail(path, `must be ${length} bytes`);
    const out = fromBase64Url(v, path);
    if (out.length !== length) fail(path, `must be ${length} bytes`);
    return out;
  };
}

/** Base64url bytes of 1 to `maxLength` decoded bytes. */
export function boundedBytes(maxLength: number): Validator<Uint8Array> {
  return (v, path) => {
    if (typeof v !== 'string' || v.length > Math.ceil((maxLength * 4) / 3))
      fail(path, `must be at most ${maxLength} bytes`);
    const out = fromBase64Url(v, path);
    if (out.length === 0 || out.length > maxLength) fail(path, `must be 1 to ${maxLength} bytes`);
    return out;
  };
}

/** An array of at most `max` items, each checked by `item`. */
export function array<T>(max: number, item: Validator<T>): Validator<T[]> {
  return (v, path) => {
    if (!Array.isArray(v) || v.length > max) fail(path, `must be an array of at most ${max}`);
    return v.map((x, i) => item(x, `${path}[${i}]`));
  };
}

/** Marks a field optional: `undefined` stays undefined. */
export function optional<T>(inner: Validator<T>): Validator<T | undefined> {
  return (v, path) => (v === undefined ? undefined : inner(v, path));
}

type Shape = Record<string, Validator<unknown>>;
type Out<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

/** A plain object with exactly these fields (unknown fields are refused). */
export function object<S extends Shape>(shape: S): Validator<Out<S>> {
  return (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object');
    const record = v as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!Object.hasOwn(shape, key)) fail(path ? `${path}.${key}` : key, 'unknown field');
    }
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const value = check(record[key], path ? `${path}.${key}` : key);
      if (value !== undefined) out[key] = value;
    }
    return out as Out<S>;
  };
}

/**
 * Parses JSON text and validates it; malformed JSON is bad_request too.
 * @example const req = parseJson(text, RegisterRequest)
 */
export function parseJson<T>(text: string, validator: Validator<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail('', 'body is not valid JSON');
  }
  return validator(value, '');
}
