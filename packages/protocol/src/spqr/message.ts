/**
 * The SPQR message carried in field 5 of every SignalMessage (Signal's SPQR
 * specification, "Message format"; the bytes libsignal 0.103 emits):
 *
 *   0x01 (version V1) ‖ varint(epoch) ‖ varint(chain key index) ‖ type(1) [‖ varint(chunk index) ‖ chunk(32)]
 *
 * Types: 0 None, 1 Hdr, 2 Ek, 3 EkCt1Ack, 4 Ct1Ack, 5 Ct1, 6 Ct2; the chunk
 * follows for Hdr, Ek, EkCt1Ack, Ct1 and Ct2 only. Epochs start at 1.
 * The decoder is strict: non-minimal varints, an epoch of 0, an index beyond
 * 32 bits, a chunk index beyond 16 bits, unknown types and trailing bytes are
 * refused with ProtocolError('InvalidMessage').
 */
import { ProtocolError } from '../errors.js';
import { CHUNK_SIZE, type Chunk } from './erasure-code.js';

export const SPQR_VERSION_V1 = 1;

export const PayloadType = {
  None: 0,
  Hdr: 1,
  Ek: 2,
  EkCt1Ack: 3,
  Ct1Ack: 4,
  Ct1: 5,
  Ct2: 6,
} as const;
export type PayloadType = (typeof PayloadType)[keyof typeof PayloadType];

export interface SpqrMessage {
  epoch: number;
  /** Index of the chain key this message used (0: none). */
  index: number;
  type: PayloadType;
  /** Present exactly for the chunk-carrying types. */
  chunk: Chunk | undefined;
}

export function carriesChunk(type: PayloadType): boolean {
  return type !== PayloadType.None && type !== PayloadType.Ct1Ack;
}

function pushVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

export function encodeSpqrMessage(m: SpqrMessage): Uint8Array {
  const head: number[] = [SPQR_VERSION_V1];
  pushVarint(head, m.epoch);
  pushVarint(head, m.index);
  head.push(m.type);
  if (m.chunk === undefined) return Uint8Array.from(head);
  pushVarint(head, m.chunk.index);
  const out = new Uint8Array(head.length + CHUNK_SIZE);
  out.set(head);
  out.set(m.chunk.data, head.length);
  return out;
}

function fail(why: string): never {
  throw new ProtocolError('InvalidMessage', `SPQR message: ${why}`);
}

function readVarint(bytes: Uint8Array, at: number, max: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    if (at + i >= bytes.length) fail('truncated varint');
    const b = bytes[at + i] as number;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      if (b === 0 && i > 0) fail('non-minimal varint');
      if (value > max) fail('value out of range');
      return [value, at + i + 1];
    }
    scale *= 0x80;
  }
  return fail('varint too long');
}

export function decodeSpqrMessage(bytes: Uint8Array): SpqrMessage {
  if (bytes.length === 0 || bytes[0] !== SPQR_VERSION_V1) fail('not version 1');
  const [epoch, afterEpoch] = readVarint(bytes, 1, Number.MAX_SAFE_INTEGER);
  if (epoch === 0) fail('epoch 0');
  const [index, afterIndex] = readVarint(bytes, afterEpoch, 0xffff_ffff);
  let at = afterIndex;
  if (at >= bytes.length) fail('missing type');
  const type = bytes[at++] as number;
  if (type > PayloadType.Ct2) fail(`unknown type ${type}`);
  let chunk: Chunk | undefined;
  if (carriesChunk(type as PayloadType)) {
    let chunkIndex: number;
    [chunkIndex, at] = readVarint(bytes, at, 0xffff);
    if (at + CHUNK_SIZE > bytes.length) fail('truncated chunk');
    chunk = { index: chunkIndex, data: bytes.slice(at, at + CHUNK_SIZE) };
    at += CHUNK_SIZE;
  }
  if (at !== bytes.length) fail('trailing bytes');
  return { epoch, index, type: type as PayloadType, chunk };
}
