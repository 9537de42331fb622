/**
 * The strict protobuf reader/writer: standard encodings, bounds, and refusal
 * of malformed input with ProtocolError('InvalidMessage').
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/crypto/bytes.js';
import { ProtocolError } from '../../src/errors.js';
import { ProtobufReader, ProtobufWriter, WireType } from '../../src/wire/protobuf.js';

const invalid = (hex: string, read: (r: ProtobufReader) => unknown) => {
  const r = new ProtobufReader(fromHex(hex));
  try {
    read(r);
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    expect((e as ProtocolError).code).toBe('InvalidMessage');
    return;
  }
  throw new Error(`accepted ${hex}`);
};

describe('ProtobufWriter', () => {
  it('writes the canonical encodings', () => {
    const bytes = new ProtobufWriter()
      .uint32(1, 150)
      .bytes(2, new TextEncoder().encode('testing'))
      .fixed64(5, 0x0102030405060708n)
      .fixed32(6, 0xdeadbeef)
      .uint64(7, 2n ** 64n - 1n)
      .bool(8, true)
      .finish();
    expect(toHex(bytes)).toBe(
      '089601120774657374696e67290807060504030201' + '35efbeadde' + '38ffffffffffffffffff01' + '4001',
    );
  });

  it('writes an embedded message in place exactly as bytes() of a nested writer, at every length-varint size', () => {
    const filler = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 0xff);
    // Content lengths straddling 1-, 2- and 3-byte length varints; a small capacity forces regrowth mid-message.
    for (const n of [0, 1, 124, 125, 126, 16_379, 16_380, 16_381, 2_097_147, 2_097_148]) {
      const content = filler(n);
      const inPlace = new ProtobufWriter(4)
        .uint32(1, 7)
        .message(2, (w) => w.bytes(3, content))
        .uint32(4, 9)
        .finish();
      const nested = new ProtobufWriter().bytes(3, content).finish();
      const expected = new ProtobufWriter().uint32(1, 7).bytes(2, nested).uint32(4, 9).finish();
      expect(Buffer.from(inPlace).equals(expected), `content of ${n} bytes`).toBe(true);
    }
    // Nested twice, the inner one shifting its content while the outer's is still open.
    const inner = filler(300);
    const twice = new ProtobufWriter(8)
      .message(1, (outer) =>
        outer
          .uint32(1, 1)
          .message(2, (w) => w.bytes(1, inner))
          .uint32(3, 3),
      )
      .finish();
    const innerBytes = new ProtobufWriter().bytes(1, inner).finish();
    const outerBytes = new ProtobufWriter().uint32(1, 1).bytes(2, innerBytes).uint32(3, 3).finish();
    expect(toHex(twice)).toBe(toHex(new ProtobufWriter().bytes(1, outerBytes).finish()));
  });

  it('misuse throws RangeError', () => {
    expect(() => new ProtobufWriter().uint32(1, -1)).toThrow(RangeError);
    expect(() => new ProtobufWriter().uint32(0, 1)).toThrow(RangeError);
    expect(() => new ProtobufWriter().uint64(1, 2n ** 64n)).toThrow(RangeError);
  });
});

describe('ProtobufReader', () => {
  it('reads back what the writer wrote', () => {
    const bytes = new ProtobufWriter()
      .uint32(1, 0xffffffff)
      .bytes(2, Uint8Array.of(1, 2, 3))
      .fixed64(3, 2n ** 63n)
      .uint64(4, 2n ** 64n - 1n)
      .finish();
    const r = new ProtobufReader(bytes);
    expect(r.tag()).toEqual({ field: 1, wireType: WireType.Varint });
    expect(r.uint32()).toBe(0xffffffff);
    expect(r.tag()).toEqual({ field: 2, wireType: WireType.LengthDelimited });
    expect(r.bytes()).toEqual(Uint8Array.of(1, 2, 3));
    expect(r.tag().wireType).toBe(WireType.Fixed64);
    expect(r.fixed64()).toBe(2n ** 63n);
    r.tag();
    expect(r.uint64()).toBe(2n ** 64n - 1n);
    expect(r.done()).toBe(true);
  });

  it('skips unknown fields of every supported wire type', () => {
    const r = new ProtobufReader(fromHex('08960129080706050403020135efbeadde12020102'));
    for (let i = 0; i < 4; i++) r.skip(r.tag().wireType);
    expect(r.done()).toBe(true);
  });

  it('refuses malformed input', () => {
    invalid('80', (r) => r.uint64()); // truncated varint
    invalid('ffffffffffffffffff02', (r) => r.uint64()); // overflows 64 bits
    invalid('ffffffffffffffffffff01', (r) => r.uint64()); // 11 bytes
    invalid('8080808010', (r) => r.uint32()); // 2^32
    invalid('02', (r) => r.bool());
    invalid('0501', (r) => r.bytes()); // length beyond the buffer
    invalid('ffffffffffffffff7f', (r) => r.bytes()); // huge length
    invalid('00', (r) => r.tag()); // field 0
    invalid('0b', (r) => r.tag()); // group start (wire type 3)
    invalid('0c', (r) => r.tag()); // group end (wire type 4)
    invalid('0e', (r) => r.tag()); // wire type 6
    invalid('010203', (r) => r.fixed32()); // truncated fixed32
    invalid('01020304050607', (r) => r.fixed64());
  });

  it('varint() refuses values above 2^53 − 1 but uint64() reads them', () => {
    invalid('ffffffffffffffff7f', (r) => r.varint());
    expect(new ProtobufReader(fromHex('ffffffffffffffff7f')).uint64()).toBe(2n ** 63n - 1n);
  });
});
