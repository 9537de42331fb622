/**
 * Declarative, strict field decoding on top of the shared protobuf reader, for
 * the group and sealed-sender codecs. A codec lists its fields and their kinds;
 * this module refuses a known field with the wrong wire type or seen twice
 * (two readers could otherwise disagree on which copy counts), optionally
 * refuses unknown fields (storage schemas), and rethrows every malformation
 * with the codec's own error code and name.
 */
import { ProtocolError, type ProtocolErrorCode } from '../errors.js';
import { ProtobufReader, WireType } from '../wire/protobuf.js';

/**
 * How a field is encoded: a uint32 varint, a uint64 varint that must fit a
 * JS number (timestamps in ms), bytes (or string / embedded message), or fixed64.
 */
export type FieldKind = 'uint32' | 'uint53' | 'bytes' | 'fixed64' | 'repeated-bytes';

/** Field number → kind. */
export type FieldSpec = Readonly<Record<number, FieldKind>>;

/** What went wrong is reported as `code`, naming `what` in the message. */
export interface DecodeOptions {
  readonly what: string;
  readonly code: ProtocolErrorCode;
  /** Storage schemas are ours alone, so any unknown field means corruption. */
  readonly rejectUnknown?: boolean;
  /** Caps a repeated field so a hostile record cannot demand unbounded work. */
  readonly maxRepeated?: number;
}

/** Decoded values by field number. */
export type Fields = Map<number, number | bigint | Uint8Array | Uint8Array[]>;

const WIRE_TYPE_OF: Record<FieldKind, WireType> = {
  uint32: WireType.Varint,
  uint53: WireType.Varint,
  bytes: WireType.LengthDelimited,
  'repeated-bytes': WireType.LengthDelimited,
  fixed64: WireType.Fixed64,
};

/**
 * @example
 * const f = decodeFields(bytes, { 1: 'uint32', 2: 'bytes' }, { what: 'ServerCertificate', code: 'InvalidCertificate' });
 * const id = requireUint32(f, 1, opts);
 */
export function decodeFields(bytes: Uint8Array, spec: FieldSpec, options: DecodeOptions): Fields {
  try {
    return readAll(bytes, spec, options);
  } catch (error) {
    if (error instanceof ProtocolError && error.code !== options.code) {
      throw new ProtocolError(options.code, `${options.what}: ${error.message}`);
    }
    throw error;
  }
}

function readAll(bytes: Uint8Array, spec: FieldSpec, options: DecodeOptions): Fields {
  const reader = new ProtobufReader(bytes);
  const fields: Fields = new Map();
  while (!reader.done()) {
    const { field, wireType } = reader.tag();
    const kind = spec[field];
    if (kind === undefined) {
      if (options.rejectUnknown) fail(options, `unknown field ${field}`);
      reader.skip(wireType);
      continue;
    }
    if (wireType !== WIRE_TYPE_OF[kind]) fail(options, `field ${field} has wire type ${wireType}`);
    if (kind === 'repeated-bytes') {
      appendRepeated(fields, field, reader.bytes(), options);
      continue;
    }
    if (fields.has(field)) fail(options, `field ${field} appears twice`);
    fields.set(field, readOne(reader, kind));
  }
  return fields;
}

function readOne(reader: ProtobufReader, kind: Exclude<FieldKind, 'repeated-bytes'>) {
  if (kind === 'uint32') return reader.uint32();
  // varint() refuses values above 2^53 − 1 rather than rounding them.
  if (kind === 'uint53') return reader.varint();
  return kind === 'bytes' ? reader.bytes() : reader.fixed64();
}

function appendRepeated(fields: Fields, field: number, value: Uint8Array, options: DecodeOptions): void {
  const list = (fields.get(field) as Uint8Array[] | undefined) ?? [];
  if (list.length >= (options.maxRepeated ?? Number.POSITIVE_INFINITY))
    fail(options, `too many field ${field}`);
  list.push(value);
  fields.set(field, list);
}

/** Throws the codec's ProtocolError. */
export function fail(options: DecodeOptions, message: string): never {
  throw new ProtocolError(options.code, `${options.what}: ${message}`);
}

/** A required uint32 (or uint53) field. */
export function requireUint32(fields: Fields, field: number, options: DecodeOptions): number {
  const v = fields.get(field);
  if (typeof v !== 'number') fail(options, `missing field ${field}`);
  return v;
}

/** A required bytes field, of exactly `length` bytes when given. The result is a copy. */
export function requireBytes(
  fields: Fields,
  field: number,
  options: DecodeOptions,
  length?: number,
): Uint8Array {
  const v = optionalBytes(fields, field);
  if (v === undefined) fail(options, `missing field ${field}`);
  if (length !== undefined && v.length !== length) fail(options, `field ${field} must be ${length} bytes`);
  return v;
}

/** An optional bytes field (a copy), or undefined. */
export function optionalBytes(fields: Fields, field: number): Uint8Array | undefined {
  const v = fields.get(field);
  return v instanceof Uint8Array ? v.slice() : undefined;
}

/** A required fixed64 field. */
export function requireFixed64(fields: Fields, field: number, options: DecodeOptions): bigint {
  const v = fields.get(field);
  if (typeof v !== 'bigint') fail(options, `missing field ${field}`);
  return v;
}

/** Every occurrence of a repeated bytes field (views into the input). */
export function repeatedBytes(fields: Fields, field: number): Uint8Array[] {
  return (fields.get(field) as Uint8Array[] | undefined) ?? [];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A UTF-8 string field; invalid UTF-8 is malformed input. */
export function decodeUtf8(bytes: Uint8Array, options: DecodeOptions): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return fail(options, 'invalid UTF-8');
  }
}
