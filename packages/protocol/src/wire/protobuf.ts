/**
 * A small strict protobuf reader and writer, the base of every codec in the
 * package (wire messages and storage records alike). It knows the four wire
 * types protobuf 2/3 use (varint, fixed64, length-delimited, fixed32); groups
 * (types 3/4) are refused. Every read is bounded: varints stop at 10 bytes,
 * lengths are checked against the remaining buffer before any allocation, and
 * any malformation throws ProtocolError('InvalidMessage').
 */
import { ProtocolError } from '../errors.js';
import { PROTOBUF_MAX_FIELD_NUMBER, PROTOBUF_MAX_VARINT_BYTES } from '../limits.js';

/** Protobuf wire types (encoding spec, "Message Structure"). */
export const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, Fixed32: 5 } as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

function malformed(message: string): never {
  throw new ProtocolError('InvalidMessage', `protobuf: ${message}`);
}

/**
 * Reads one message's fields in order. Bytes returned by `bytes()` are
 * subarrays of the input (no copy); copy them if the input may be reused.
 *
 * @example
 * const r = new ProtobufReader(bytes);
 * while (!r.done()) {
 *   const { field, wireType } = r.tag();
 *   if (field === 1 && wireType === WireType.Varint) id = r.uint32();
 *   else r.skip(wireType);
 * }
 */
export class ProtobufReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  /** True when every byte has been consumed. */
  done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** Reads a field key; refuses field 0, fields above 2^29−1 and unknown wire types. */
  tag(): { field: number; wireType: WireType } {
    const key = this.varint();
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 0 || field > PROTOBUF_MAX_FIELD_NUMBER) malformed(`bad field number ${field}`);
    if (wireType !== 0 && wireType !== 1 && wireType !== 2 && wireType !== 5) {
      malformed(`unsupported wire type ${wireType}`);
    }
    return { field, wireType: wireType as WireType };
  }

  /** A varint up to 2^53 − 1 as a number; larger values are refused (use `uint64`). */
  varint(): number {
    const start = this.pos;
    let v = 0;
    // Fast path without bigint: 7 bytes carry 49 bits, well inside 2^53.
    for (let i = 0; i < 7; i++) {
      const b = this.byte();
      v += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return v;
    }
    this.pos = start;
    const big = this.uint64();
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) malformed('varint too large');
    return Number(big);
  }

  /** An unsigned 64-bit varint. At most 10 bytes, and the 10th may only carry bit 63. */
  uint64(): bigint {
    let v = 0n;
    for (let i = 0; i < PROTOBUF_MAX_VARINT_BYTES; i++) {
      const b = this.byte();
      if (i === PROTOBUF_MAX_VARINT_BYTES - 1 && b > 1) malformed('varint overflows 64 bits');
      v |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return v;
    }
    return malformed('varint longer than 10 bytes');
  }

  /** A uint32 field; values above 2^32 − 1 are refused rather than truncated. */
  uint32(): number {
    const v = this.varint();
    if (v > 0xffff_ffff) malformed('uint32 out of range');
    return v;
  }

  /** A bool field: exactly 0 or 1. */
  bool(): boolean {
    const v = this.varint();
    if (v > 1) malformed('bool out of range');
    return v === 1;
  }

  /** A length-delimited field's payload, bounds-checked before it is sliced. */
  bytes(): Uint8Array {
    const length = this.varint();
    if (length > this.buf.length - this.pos) malformed('length exceeds buffer');
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  /** A fixed32 field (little-endian). */
  fixed32(): number {
    const b = this.take(4);
    return (
      ((b[0] as number) | ((b[1] as number) << 8) | ((b[2] as number) << 16) | ((b[3] as number) << 24)) >>> 0
    );
  }

  /** A fixed64 field (little-endian). */
  fixed64(): bigint {
    const lo = BigInt(this.fixed32());
    const hi = BigInt(this.fixed32());
    return (hi << 32n) | lo;
  }

  /** Skips a field of the given wire type (unknown fields are ignored, as protobuf requires). */
  skip(wireType: WireType): void {
    if (wireType === WireType.Varint) this.uint64();
    else if (wireType === WireType.Fixed64) this.take(8);
    else if (wireType === WireType.LengthDelimited) this.bytes();
    else this.take(4);
  }

  private byte(): number {
    if (this.pos >= this.buf.length) malformed('truncated varint');
    return this.buf[this.pos++] as number;
  }

  private take(n: number): Uint8Array {
    if (n > this.buf.length - this.pos) malformed('truncated fixed-width field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** Bytes of the varint encoding of `value` (below 2^53). */
function varintSize(value: number): number {
  let size = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) size++;
  return size;
}

/**
 * Writes fields in the order they are added (canonical order is the
 * caller's choice; libsignal writes fields in tag order and so do our codecs).
 *
 * @example
 * const bytes = new ProtobufWriter().uint32(1, id).bytes(2, publicKey).finish();
 */
export class ProtobufWriter {
  private buf: Uint8Array;
  private pos = 0;

  /** `capacity`: expected size, so a large message (an SPQR state) is not regrown field by field. */
  constructor(capacity = 64) {
    this.buf = new Uint8Array(capacity);
  }

  /** A varint field (uint32/uint64/bool/enum). */
  uint32(field: number, value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff)
      throw new RangeError(`field ${field}: uint32 out of range`);
    this.key(field, WireType.Varint);
    this.rawVarint(value);
    return this;
  }

  /** A uint64 varint field. */
  uint64(field: number, value: bigint): this {
    if (value < 0n || value >= 1n << 64n) throw new RangeError(`field ${field}: uint64 out of range`);
    this.key(field, WireType.Varint);
    this.rawVarint64(value);
    return this;
  }

  /** A bool field. */
  bool(field: number, value: boolean): this {
    return this.uint32(field, value ? 1 : 0);
  }

  /** A bytes, string or embedded-message field. */
  bytes(field: number, value: Uint8Array): this {
    this.key(field, WireType.LengthDelimited);
    this.rawVarint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  /** A fixed32 field. */
  fixed32(field: number, value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff)
      throw new RangeError(`field ${field}: fixed32 out of range`);
    this.key(field, WireType.Fixed32);
    this.rawFixed(BigInt(value), 4);
    return this;
  }

  /** A fixed64 field. */
  fixed64(field: number, value: bigint): this {
    if (value < 0n || value >= 1n << 64n) throw new RangeError(`field ${field}: fixed64 out of range`);
    this.key(field, WireType.Fixed64);
    this.rawFixed(value, 8);
    return this;
  }

  /**
   * An embedded message that `write` adds to this writer in place: the same
   * bytes as `bytes(field, nested.finish())`, without the nested writer's two
   * buffers (storage records nest several levels and are written per message).
   * The length goes in front afterwards, the content shifted if it needs more
   * than the one byte reserved.
   */
  message(field: number, write: (w: this) => void): this {
    this.key(field, WireType.LengthDelimited);
    this.ensure(1);
    const start = ++this.pos;
    write(this);
    const length = this.pos - start;
    const extra = varintSize(length) - 1;
    if (extra > 0) {
      this.ensure(extra);
      this.buf.copyWithin(start + extra, start, this.pos);
      this.pos += extra;
    }
    // The reserved bytes are in place already: no ensure() here, which could move the buffer.
    let at = start - 1;
    let v = length;
    while (v >= 0x80) {
      this.buf[at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[at] = v;
    return this;
  }

  /** The encoded message (a fresh array). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  private key(field: number, wireType: WireType): void {
    if (!Number.isInteger(field) || field < 1 || field > PROTOBUF_MAX_FIELD_NUMBER) {
      throw new RangeError(`bad protobuf field number ${field}`);
    }
    this.rawVarint(field * 8 + wireType);
  }

  /** A non-negative integer below 2^53 (field keys, lengths, uint32 values). */
  private rawVarint(value: number): void {
    this.ensure(PROTOBUF_MAX_VARINT_BYTES);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  private rawVarint64(value: bigint): void {
    this.ensure(PROTOBUF_MAX_VARINT_BYTES);
    let v = value;
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  private rawFixed(value: bigint, width: number): void {
    this.ensure(width);
    for (let i = 0; i < width; i++) this.buf[this.pos++] = Number((value >> BigInt(8 * i)) & 0xffn);
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + extra));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
}
