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
 * The field is gf65536.ts. Parity chunks and lost systematic chunks are
 * computed in barycentric form (lagrange.ts) straight from the values, never
 * through coefficients: the encoder is rebuilt from the serialized state for
 * every message, so anything it computed up front would be paid per message.
 */
import { ProtocolError } from '../errors.js';
import { EXP, LOG } from './gf65536.js';
import { coefficientLogsAt, systematicNodes, weightLogs } from './lagrange.js';

/** Bytes per chunk. */
export const CHUNK_SIZE = 32;
const POLYS = CHUNK_SIZE / 2;
/** Chunk indices are 16-bit on the wire; the encoder's counter wraps there. */
export const MAX_CHUNK_INDEX = 0xffff;

/**
 * The polynomials of a message of `symbols` 16-bit symbols, as two runs
 * [from, to) whose members hold `points` values each: the first
 * `symbols mod 16` polynomials hold one value more than the rest.
 */
function polynomialRuns(symbols: number): { from: number; to: number; points: number }[] {
  const points = Math.floor(symbols / POLYS);
  const longer = symbols % POLYS;
  return [
    { from: 0, to: longer, points: points + 1 },
    { from: longer, to: POLYS, points },
  ].filter((run) => run.from < run.to);
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
    if (!Number.isInteger(index) || index < 0 || index > MAX_CHUNK_INDEX)
      throw new RangeError('ChunkEncoder: chunk index must be a 16-bit integer');
    const data = new Uint8Array(CHUNK_SIZE);
    for (const run of polynomialRuns(this.message.length / 2)) {
      if (index < run.points) copySymbols(this.message, index, run.from, run.to, data, 0);
      else this.writeParity(index, run.from, run.to, run.points, data);
    }
    return { index, data };
  }

  /** XORs into `data` polynomials [from, to) (each through x = 0..points-1) at x = index ≥ points. */
  private writeParity(index: number, from: number, to: number, points: number, data: Uint8Array): void {
    const { nodes, weights } = systematicNodes(points);
    const coefficients = coefficientLogsAt(nodes, weights, index, new Uint16Array(points));
    for (let x = 0; x < points; x++)
      accumulate(this.message, x * CHUNK_SIZE, coefficients[x] as number, from, to, data, 0);
  }
}

/** Copies polynomials [from, to) of row `x` of `source` into row 0 of `target` at `at`. */
function copySymbols(
  source: Uint8Array,
  x: number,
  from: number,
  to: number,
  target: Uint8Array,
  at: number,
): void {
  target.set(source.subarray(x * CHUNK_SIZE + 2 * from, x * CHUNK_SIZE + 2 * to), at + 2 * from);
}

/**
 * target[at + poly] ^= ℓ · row[poly] for polynomials [from, to), where the row
 * starts at `rowAt` in `row` and ℓ is given by its log.
 */
function accumulate(
  row: Uint8Array,
  rowAt: number,
  coefficientLog: number,
  from: number,
  to: number,
  target: Uint8Array,
  at: number,
): void {
  for (let poly = from; poly < to; poly++) {
    const i = rowAt + 2 * poly;
    const y = ((row[i] as number) << 8) | (row[i + 1] as number);
    if (y === 0) continue;
    const product = EXP[(LOG[y] as number) + coefficientLog] as number;
    target[at + 2 * poly] = (target[at + 2 * poly] as number) ^ (product >> 8);
    target[at + 2 * poly + 1] = (target[at + 2 * poly + 1] as number) ^ (product & 0xff);
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
    if (this.chunks.size < chunksNeeded(this.length)) return undefined;
    const out = new Uint8Array(this.length);
    const indices = [...this.chunks.keys()].sort((a, b) => a - b);
    for (const run of polynomialRuns(this.length / 2))
      this.rebuild(run.from, run.to, run.points, indices, out);
    return out;
  }

  /**
   * Writes polynomials [from, to) at x = 0..points-1 into `out`: received
   * systematic chunks as they are, the others evaluated through the first
   * `points` received chunks (any `points` of them define the polynomial).
   */
  private rebuild(from: number, to: number, points: number, indices: number[], out: Uint8Array): void {
    let nodes: number[] | undefined;
    let weights: Uint16Array | undefined;
    const coefficients = new Uint16Array(points);
    for (let x = 0; x < points; x++) {
      const own = this.chunks.get(x);
      if (own !== undefined) {
        copySymbols(own, 0, from, to, out, x * CHUNK_SIZE);
        continue;
      }
      if (nodes === undefined || weights === undefined) {
        nodes = indices.slice(0, points);
        weights = weightLogs(nodes);
      }
      // x is no node: every node is a received index and chunk x was not received.
      coefficientLogsAt(nodes, weights, x, coefficients);
      for (let i = 0; i < points; i++) {
        const row = this.chunks.get(nodes[i] as number) as Uint8Array;
        accumulate(row, 0, coefficients[i] as number, from, to, out, x * CHUNK_SIZE);
      }
    }
  }
}
