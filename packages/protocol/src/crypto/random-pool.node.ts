/**
 * CSPRNG bytes from node:crypto, drawn in 4 KiB refills and handed out once
 * each. A randomFillSync call costs a fixed ~1.3 µs (native entry, OpenSSL
 * DRBG lock and generate) whatever its size up to a few KiB, and the ratchet
 * asks for many small amounts (64 bytes per XEdDSA signature, 32 per key
 * pair), so one refill serves 64 signatures for about the price of two calls.
 *
 * Every byte comes from the fill function (randomFillSync) and is handed out
 * at most once: bytes are zeroed in the pool as they are copied out, and a
 * refill overwrites whatever was left unused. Requests above a quarter of
 * the pool bypass it. Each worker thread loads its own copy of this module,
 * so no pool is shared across threads, and Node cannot fork a process with
 * its memory.
 */
import { randomFillSync } from 'node:crypto';

type Fill = (into: Uint8Array) => unknown;

export class RandomPool {
  private readonly pool: Uint8Array;
  /** Offset of the first unused byte; pool.length means empty. */
  private next: number;

  constructor(
    private readonly fill: Fill = randomFillSync,
    size = 4096,
  ) {
    this.pool = new Uint8Array(size);
    this.next = size;
  }

  /** `length` fresh random bytes in a new array the caller owns. */
  take(length: number): Uint8Array {
    const out = new Uint8Array(length);
    if (length > this.pool.length / 4) {
      this.fill(out);
      return out;
    }
    if (this.next + length > this.pool.length) {
      this.fill(this.pool);
      this.next = 0;
    }
    const end = this.next + length;
    out.set(this.pool.subarray(this.next, end));
    this.pool.fill(0, this.next, end);
    this.next = end;
    return out;
  }
}

const processPool = new RandomPool();

/** The node backend's randomBytes: `length` fresh bytes from the process pool. */
export const pooledRandomBytes = (length: number): Uint8Array => processPool.take(length);
