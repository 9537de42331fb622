/** Small helpers shared by the SDK's modules. */
import { primitives } from '@tacet/protocol';

/** Runs async sections one at a time, in call order. */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(fn, fn);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}

/** The two hex digits of each byte value: every id and tag is hexed once per message or more. */
const HEX_OF_BYTE = Array.from({ length: 256 }, (_, x) => x.toString(16).padStart(2, '0'));

export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX_OF_BYTE[b[i] as number] as string;
  return s;
}

export function fromHex(s: string): Uint8Array {
  if (!/^([0-9a-f]{2})*$/.test(s)) throw new RangeError('not lowercase hex');
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * 16 random bytes: message and envelope ids. From the protocol's randomness
 * (on Node a pooled CSPRNG: a getRandomValues call per id cost ~15 µs).
 */
export function randomId(): Uint8Array {
  return primitives.randomBytes(16);
}
