/**
 * A strict field reader over the shared protobuf reader, for tacet's own
 * storage schemas: a record we wrote ourselves has no business carrying
 * unknown fields, wrong wire types or a singular field twice, so any of those
 * means corruption and is refused with ProtocolError('InvalidMessage').
 */
import { ProtocolError } from '../errors.js';
import { ProtobufReader, WireType } from '../wire/protobuf.js';

/** uint32 / uint53 varints, one bytes field, or a repeated bytes field. */
export type FieldKind = 'uint32' | 'uint53' | 'bytes' | 'bytes[]';

/** The fields of one message, read and checked against its schema. */
export class StrictFields {
  constructor(
    private readonly what: string,
    private readonly values: Map<number, number | Uint8Array | Uint8Array[]>,
  ) {}

  /** An optional varint field. */
  optionalUint(field: number): number | undefined {
    return this.values.get(field) as number | undefined;
  }

  /** A required varint field. */
  uint(field: number): number {
    const v = this.optionalUint(field);
    if (v === undefined) this.fail(`missing field ${field}`);
    return v;
  }

  /** A required bytes field of exactly `length` bytes (copied out of the input). */
  bytes(field: number, length: number): Uint8Array {
    const v = this.optionalBytes(field);
    if (v === undefined) this.fail(`missing field ${field}`);
    if (v.length !== length) this.fail(`field ${field}: expected ${length} bytes, got ${v.length}`);
    return v.slice();
  }

  /** An optional bytes field, not copied. */
  optionalBytes(field: number): Uint8Array | undefined {
    return this.values.get(field) as Uint8Array | undefined;
  }

  /** A repeated bytes field, at most `max` occurrences. */
  repeated(field: number, max: number): Uint8Array[] {
    const list = (this.values.get(field) as Uint8Array[] | undefined) ?? [];
    if (list.length > max) this.fail(`field ${field}: more than ${max} entries`);
    return list;
  }

  /** Throws ProtocolError('InvalidMessage') naming the message. */
  fail(message: string): never {
    throw new ProtocolError('InvalidMessage', `${this.what}: ${message}`);
  }
}

/** Reads every field of `bytes` against `schema`, refusing anything it does not name. */
export function readStrict(bytes: Uint8Array, what: string, schema: Record<number, FieldKind>): StrictFields {
  const r = new ProtobufReader(bytes);
  const values = new Map<number, number | Uint8Array | Uint8Array[]>();
  const out = new StrictFields(what, values);
  while (!r.done()) {
    const { field, wireType } = r.tag();
    const kind = schema[field];
    if (kind === undefined) out.fail(`unknown field ${field}`);
    const expected = kind === 'uint32' || kind === 'uint53' ? WireType.Varint : WireType.LengthDelimited;
    if (wireType !== expected) out.fail(`field ${field}: wrong wire type ${wireType}`);
    if (kind === 'bytes[]') {
      const list = (values.get(field) as Uint8Array[] | undefined) ?? [];
      list.push(r.bytes());
      values.set(field, list);
      continue;
    }
    if (values.has(field)) out.fail(`field ${field} repeated`);
    values.set(field, kind === 'uint32' ? r.uint32() : kind === 'uint53' ? r.varint() : r.bytes());
  }
  return out;
}
