/**
 * SHA-256 resumed from a saved chaining state, for HMAC keys set up once
 * (RFC 2104 §2: a key is the two states after its ipad and opad blocks).
 * The compression function is @noble/hashes' own (its `_SHA256` class,
 * extended here to reach `process`, `set` and the state words); this module
 * adds only the block buffer and FIPS 180-4 §5.1.1 padding around it.
 *
 * Why not noble's Hash objects: for the one- and two-block messages of the
 * ratchet's HKDFs, cloning a state, the argument checks, a DataView per
 * digest and the message-schedule wipe after every call cost about as much
 * as the compressions themselves (an 80-byte HKDF: 5.7 µs, of which 3.5 µs
 * compressing). Here the schedule is wiped once per `wipe()`, by the caller
 * when its derivation is done.
 *
 * One engine per module that needs it; calls are synchronous, so no two
 * computations ever interleave on one engine.
 */
import { _SHA256 } from '@noble/hashes/sha2.js';

const BLOCK = 64;
/** Where the 64-bit message length starts in the last block. */
const LENGTH_AT = 56;

/** A chaining state after whole blocks: the eight words H0..H7. */
export type Sha256State = Int32Array;

export const newSha256State = (): Sha256State => new Int32Array(8);

/** One state word, big-endian (FIPS 180-4 §6.2.2 step 4's concatenation). */
function putWord(out: Uint8Array, at: number, w: number): void {
  out[at] = w >>> 24;
  out[at + 1] = (w >>> 16) & 0xff;
  out[at + 2] = (w >>> 8) & 0xff;
  out[at + 3] = w & 0xff;
}

export class Sha256Engine extends _SHA256 {
  private readonly block = new Uint8Array(BLOCK);
  private readonly blockView = new DataView(this.block.buffer);
  /** Bytes waiting in `block`. */
  private used = 0;
  /** Bytes hashed since the initial value, the key blocks included. */
  private absorbed = 0;
  /** The initial hash value H(0) (FIPS 180-4 §5.3.3), as a state. */
  readonly initial: Sha256State = newSha256State();

  constructor() {
    super();
    this.saveInto(this.initial);
  }

  /** Continues from `state`, which had absorbed `absorbed` bytes (a multiple of 64). */
  resume(state: Sha256State, absorbed: number): this {
    this.set(
      state[0] as number,
      state[1] as number,
      state[2] as number,
      state[3] as number,
      state[4] as number,
      state[5] as number,
      state[6] as number,
      state[7] as number,
    );
    this.used = 0;
    this.absorbed = absorbed;
    return this;
  }

  absorb(data: Uint8Array): this {
    const n = data.length;
    for (let at = 0; at < n; ) {
      const take = Math.min(BLOCK - this.used, n - at);
      this.block.set(at === 0 && take === n ? data : data.subarray(at, at + take), this.used);
      this.used += take;
      at += take;
      if (this.used === BLOCK) {
        this.process(this.blockView, 0);
        this.used = 0;
      }
    }
    this.absorbed += n;
    return this;
  }

  /** The state after whole blocks (for key set-up); throws if a partial block is pending. */
  saveInto(into: Sha256State): void {
    if (this.used !== 0) throw new Error('Sha256Engine: state saved mid-block');
    into[0] = this.A;
    into[1] = this.B;
    into[2] = this.C;
    into[3] = this.D;
    into[4] = this.E;
    into[5] = this.F;
    into[6] = this.G;
    into[7] = this.H;
  }

  /** Pads, compresses the last block(s) and writes the 32-byte digest into `out` at `offset`. */
  finishInto(out: Uint8Array, offset = 0): void {
    const b = this.block;
    b[this.used++] = 0x80;
    if (this.used > LENGTH_AT) {
      b.fill(0, this.used);
      this.process(this.blockView, 0);
      this.used = 0;
    }
    b.fill(0, this.used, LENGTH_AT);
    const bits = this.absorbed * 8;
    this.blockView.setUint32(LENGTH_AT, Math.floor(bits / 2 ** 32), false);
    this.blockView.setUint32(LENGTH_AT + 4, bits >>> 0, false);
    this.process(this.blockView, 0);
    this.used = 0;
    putWord(out, offset, this.A);
    putWord(out, offset + 4, this.B);
    putWord(out, offset + 8, this.C);
    putWord(out, offset + 12, this.D);
    putWord(out, offset + 16, this.E);
    putWord(out, offset + 20, this.F);
    putWord(out, offset + 24, this.G);
    putWord(out, offset + 28, this.H);
  }

  /** Zeroes the state, the block buffer and noble's shared message schedule. */
  wipe(): void {
    this.set(0, 0, 0, 0, 0, 0, 0, 0);
    this.block.fill(0);
    this.used = 0;
    this.absorbed = 0;
    this.roundClean();
  }
}
