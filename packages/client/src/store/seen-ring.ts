/**
 * The de-duplication memory: the most recent SEEN_CAPACITY ids (as 16-byte
 * HMAC tags), in a ring of fixed-size chunks that exist from the profile's
 * first day, unused slots filled with random bytes. At rest it is a constant
 * number of sealed records of constant size, holding no times: a stolen
 * profile shows neither how many messages came nor when (issue 9, item 7),
 * where a table of (id, received-at) rows showed both for 30 days.
 *
 * Why a bounded memory suffices: a redelivered envelope also fails in the
 * ratchet (its message key is gone: DuplicatedMessage), and a re-sent
 * content id follows its first copy closely, because a sender's outbox
 * sends in order and re-sends only what the server did not acknowledge.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { corrupt } from './codec.js';

export const SEEN_TAG_BYTES = 16;
export const SEEN_PER_CHUNK = 128;
export const SEEN_CHUNKS = 64;
/** 8192 ids: thousands of messages of lookback, far more than any re-send is apart from its original. */
export const SEEN_CAPACITY = SEEN_PER_CHUNK * SEEN_CHUNKS;

const CHUNK_BYTES = SEEN_PER_CHUNK * SEEN_TAG_BYTES;

function slotKey(tags: Uint8Array, offset: number): string {
  return String.fromCharCode(...tags.subarray(offset, offset + SEEN_TAG_BYTES));
}

export class SeenRing {
  readonly #tags: Uint8Array;
  readonly #slots = new Map<string, number>();
  #head: number;

  private constructor(tags: Uint8Array, head: number) {
    this.#tags = tags;
    this.#head = head;
    for (let i = 0; i < SEEN_CAPACITY; i++) this.#slots.set(slotKey(tags, i * SEEN_TAG_BYTES), i);
  }

  /** A new ring: every slot random, so a used slot looks like an unused one. */
  static fresh(): SeenRing {
    const tags = new Uint8Array(SEEN_CAPACITY * SEEN_TAG_BYTES);
    for (let i = 0; i < SEEN_CHUNKS; i++) tags.set(randomBytes(CHUNK_BYTES), i * CHUNK_BYTES);
    return new SeenRing(tags, 0);
  }

  /** The ring from its stored chunks and head position. */
  static load(chunks: readonly Uint8Array[], head: number): SeenRing {
    if (chunks.length !== SEEN_CHUNKS || !Number.isInteger(head) || head < 0 || head >= SEEN_CAPACITY)
      corrupt('de-duplication ring');
    const tags = new Uint8Array(SEEN_CAPACITY * SEEN_TAG_BYTES);
    chunks.forEach((c, i) => {
      if (c.length !== CHUNK_BYTES) corrupt('de-duplication ring');
      tags.set(c, i * CHUNK_BYTES);
    });
    return new SeenRing(tags, head);
  }

  get head(): number {
    return this.#head;
  }

  has(tag: Uint8Array): boolean {
    return this.#slots.has(slotKey(tag, 0));
  }

  /** Remembers `tag` in the oldest slot; returns the index of the chunk that changed (or -1 if known). */
  add(tag: Uint8Array): number {
    const key = slotKey(tag, 0);
    if (this.#slots.has(key)) return -1;
    const slot = this.#head;
    const offset = slot * SEEN_TAG_BYTES;
    const old = slotKey(this.#tags, offset);
    if (this.#slots.get(old) === slot) this.#slots.delete(old);
    this.#tags.set(tag.subarray(0, SEEN_TAG_BYTES), offset);
    this.#slots.set(key, slot);
    this.#head = (slot + 1) % SEEN_CAPACITY;
    return Math.floor(slot / SEEN_PER_CHUNK);
  }

  chunk(i: number): Uint8Array {
    return this.#tags.slice(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES);
  }
}
