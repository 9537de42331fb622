/**
 * SPQR's erasure code: a systematic Reed-Solomon code over GF(2^16) that cuts
 * a braid message (header, encapsulation key, ct1, ct2) into 32-byte chunks so
 * that ANY ceil(len/32) distinct chunks rebuild it (Signal's SPQR
 * specification, "Erasure codes"). Lost SignalMessages therefore cost nothing
 * but time: the sender keeps emitting fresh chunks until the peer moves on.
 *
 * Layout, as on the wire: the message is read as big-endian 16-bit symbols;
 * symbol v belongs to polynomial v mod 16 at x = floor(v / 16). Chunk k carries,
 * for each of the 16 polynomials in order, its value at x = k (2 bytes each,
 * big-endian). Chunks below the message's point count are the message itself;
 * later ones are evaluations of the interpolating polynomials.
 *
 * Field: GF(2^16) modulo x^16 + x^12 + x^3 + x + 1 (0x1100B), with log/exp
 * tables (x is a generator because the polynomial is primitive).
 */
import { ProtocolError } from '../errors.js';

/** Bytes per chunk. */
export const CHUNK_SIZE = 32;
const POLYS = CHUNK_SIZE / 2;
const FIELD_POLY = 0x1100b;
/** Chunk indices are 16-bit on the wire; the encoder's counter wraps there. */
export const MAX_CHUNK_INDEX = 0xffff;

const EXP = new Uint16Array(2 * 65535);
const LOG = new Uint16Array(65536);
(() => {
  let v = 1;
  for (let i = 0; i < 65535; i++) {
    EXP[i] = v;
    EXP[i + 65535] = v;
    LOG[v] = i;
    v <<= 1;
    if (v & 0x10000) v ^= FIELD_POLY;
  }
})();

function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[(LOG[a] as number) + (LOG[b] as number)] as number;
}

function gfDiv(a: number, b: number): number {
  if (b === 0) throw new RangeError('GF(2^16) division by zero');
  if (a === 0) return 0;
  return EXP[(LOG[a] as number) + 65535 - (LOG[b] as number)] as number;
}

/** Coefficients (lowest degree first) of the polynomial through the points (xs[i], ys[i]). */
export function interpolate(xs: readonly number[], ys: readonly number[]): Uint16Array {
  const n = xs.length;
  // master(x) = Π (x - x_i); in characteristic 2, minus is xor.
  const master = new Uint16Array(n + 1);
  master[0] = 1;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j > 0; j--)
      master[j] = (master[j - 1] as number) ^ gfMul(master[j] as number, xs[i] as number);
    master[0] = gfMul(master[0] as number, xs[i] as number);
  }
  const out = new Uint16Array(n);
  const quotient = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const xi = xs[i] as number;
    // quotient = master / (x - xi), by synthetic division from the top.
    let carry = master[n] as number;
    for (let j = n - 1; j >= 0; j--) {
      quotient[j] = carry;
      carry = (master[j] as number) ^ gfMul(carry, xi);
    }
    let denominator = 0;
    for (let j = n - 1; j >= 0; j--) denominator = gfMul(denominator, xi) ^ (quotient[j] as number);
    const scale = gfDiv(ys[i] as number, denominator);
    for (let j = 0; j < n; j++) out[j] = (out[j] as number) ^ gfMul(quotient[j] as number, scale);
  }
  return out;
}

/** Horner evaluation of coefficients (lowest degree first) at x. */
export function evaluate(coefficients: Uint16Array, x: number): number {
  let acc = 0;
  for (let j = coefficients.length - 1; j >= 0; j--) acc = gfMul(acc, x) ^ (coefficients[j] as number);
  return acc;
}

/** How many symbols polynomial `poly` holds for a message of `symbols` 16-bit symbols. */
function pointsOf(symbols: number, poly: number): number {
  return Math.floor(symbols / POLYS) + (poly < symbols % POLYS ? 1 : 0);
}

/** Number of distinct chunks that rebuild a message of `length` bytes. */
export function chunksNeeded(length: number): number {
  return Math.ceil(length / 2 / POLYS);
}

function checkLength(length: number, who: string): void {
  if (!Number.isInteger(length) || length <= 0 || length % 2 !== 0 || length > 65536 * CHUNK_SIZE)
    throw new RangeError(`${who}: message length must be even, positive and at most 2 MiB`);
}

/** One chunk: its 16-bit index and 32 bytes. */
export interface Chunk {
  index: number;
  data: Uint8Array;
}

/**
 * Emits chunks of one message, systematic ones first, then as many parity
 * chunks as the conversation needs.
 *
 * @example
 * const enc = new ChunkEncoder(header);
 * const chunk = enc.nextChunk(); // goes into the next SignalMessage
 */
export class ChunkEncoder {
  readonly message: Uint8Array;
  /** The index of the next chunk to emit (wraps at 2^16 like the reference). */
  nextIndex: number;
  private polys: Uint16Array[] | undefined;

  constructor(message: Uint8Array, nextIndex = 0) {
    checkLength(message.length, 'ChunkEncoder');
    this.message = message;
    this.nextIndex = nextIndex;
  }

  nextChunk(): Chunk {
    const chunk = this.chunkAt(this.nextIndex & MAX_CHUNK_INDEX);
    this.nextIndex = (this.nextIndex + 1) >>> 0;
    return chunk;
  }

  chunkAt(index: number): Chunk {
    const symbols = this.message.length / 2;
    const data = new Uint8Array(CHUNK_SIZE);
    for (let poly = 0; poly < POLYS; poly++) {
      let value: number;
      if (index < pointsOf(symbols, poly)) {
        const at = 2 * (index * POLYS + poly);
        value = ((this.message[at] as number) << 8) | (this.message[at + 1] as number);
      } else {
        value = evaluate(this.interpolated()[poly] as Uint16Array, index);
      }
      data[2 * poly] = value >> 8;
      data[2 * poly + 1] = value & 0xff;
    }
    return { index, data };
  }

  private interpolated(): Uint16Array[] {
    if (this.polys === undefined) {
      const symbols = this.message.length / 2;
      this.polys = [];
      for (let poly = 0; poly < POLYS; poly++) {
        const count = pointsOf(symbols, poly);
        const xs = Array.from({ length: count }, (_, x) => x);
        const ys = xs.map((x) => {
          const at = 2 * (x * POLYS + poly);
          return ((this.message[at] as number) << 8) | (this.message[at + 1] as number);
        });
        this.polys.push(interpolate(xs, ys));
      }
    }
    return this.polys;
  }
}

/**
 * Collects chunks of one message of known length until it can be rebuilt.
 * Keeps at most 2 × chunksNeeded chunks (systematic ones always, others only
 * while short), so a hostile peer cannot grow the stored state.
 */
export class ChunkDecoder {
  readonly length: number;
  /** Received chunks by index. */
  readonly chunks: Map<number, Uint8Array>;

  constructor(length: number, chunks: Map<number, Uint8Array> = new Map()) {
    checkLength(length, 'ChunkDecoder');
    this.length = length;
    this.chunks = chunks;
  }

  addChunk(chunk: Chunk): void {
    if (chunk.data.length !== CHUNK_SIZE || chunk.index < 0 || chunk.index > MAX_CHUNK_INDEX)
      throw new ProtocolError('InvalidMessage', 'SPQR: malformed chunk');
    if (this.chunks.has(chunk.index)) return;
    const needed = chunksNeeded(this.length);
    if (chunk.index < needed || this.chunks.size < needed) this.chunks.set(chunk.index, chunk.data.slice());
  }

  /** The message once enough distinct chunks arrived, else undefined. */
  decoded(): Uint8Array | undefined {
    const needed = chunksNeeded(this.length);
    if (this.chunks.size < needed) return undefined;
    const symbols = this.length / 2;
    const out = new Uint8Array(this.length);
    const indices = [...this.chunks.keys()].sort((a, b) => a - b);
    for (let poly = 0; poly < POLYS; poly++) {
      const count = pointsOf(symbols, poly);
      let coefficients: Uint16Array | undefined;
      for (let x = 0; x < count; x++) {
        let value: number;
        const own = this.chunks.get(x);
        if (own !== undefined) {
          value = ((own[2 * poly] as number) << 8) | (own[2 * poly + 1] as number);
        } else {
          if (coefficients === undefined) {
            const xs = indices.slice(0, count);
            const ys = xs.map((i) => {
              const data = this.chunks.get(i) as Uint8Array;
              return ((data[2 * poly] as number) << 8) | (data[2 * poly + 1] as number);
            });
            coefficients = interpolate(xs, ys);
          }
          value = evaluate(coefficients, x);
        }
        const at = 2 * (x * POLYS + poly);
        out[at] = value >> 8;
        out[at + 1] = value & 0xff;
      }
    }
    return out;
  }
}
