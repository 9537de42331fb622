/**
 * Recent messages as last committed, so the live path stops reading back
 * what it has just written: a sent message is put (pending), put again when
 * the server acks it (sent) and again when the receipt comes (delivered),
 * and each step read it first — a SELECT, two AES-GCM opens and a JSON
 * parse — to learn its order number and key, and once more to show it.
 *
 * Held per message: its encoded plaintext (the bytes that were sealed, so a
 * read decodes exactly what the disk would give) and its key row, still
 * sealed under the data key as on disk. Deleting a message, or its expiry,
 * drops it at once and zeroes its plaintext, so shredding reaches memory
 * too. As in record-cache.ts, a read that raced a commit does not fill.
 * Bounded: the oldest entry goes first.
 */

/** Messages kept: the live window of a chat, a few hundred bytes each. */
const CAPACITY = 512;

export interface CachedMessage {
  /** The message's encoding (codec.ts `encodeMessage`), order number included. */
  readonly plain: Uint8Array;
  readonly seq: number;
  readonly expiresAt: number | null;
  /** The message key, sealed under the data key (the `message_keys` row). */
  readonly sealedKey: Uint8Array;
}

export class MessageCache {
  readonly #entries = new Map<string, CachedMessage>();
  #epoch = 0;

  get epoch(): number {
    return this.#epoch;
  }

  /** What the store last committed for `id`; the caller must not change it. */
  get(id: string): CachedMessage | undefined {
    return this.#entries.get(id);
  }

  /** Remembers what a read found (the cache keeps its own copies), unless a commit happened since `epoch`. */
  fill(id: string, m: CachedMessage, epoch: number): void {
    if (epoch === this.#epoch)
      this.#put(id, { ...m, plain: m.plain.slice(), sealedKey: m.sealedKey.slice() });
  }

  /** After a commit: its messages as they now are on disk (the cache takes them over), the deleted ones gone. */
  committed(puts: ReadonlyMap<string, CachedMessage>, deleted: readonly string[]): void {
    this.#epoch++;
    for (const [id, m] of puts) this.#put(id, m);
    for (const id of deleted) this.#drop(id);
  }

  /** After a failed commit (what it touched is read afresh) or a deletion below the store. */
  drop(ids: Iterable<string>): void {
    this.#epoch++;
    for (const id of ids) this.#drop(id);
  }

  /** Zeroes and drops everything (the store is closing). */
  wipe(): void {
    this.drop([...this.#entries.keys()]);
  }

  #put(id: string, m: CachedMessage): void {
    this.#drop(id);
    this.#entries.set(id, m);
    if (this.#entries.size > CAPACITY) this.#drop(this.#entries.keys().next().value as string);
  }

  #drop(id: string): void {
    this.#entries.get(id)?.plain.fill(0);
    this.#entries.delete(id);
  }
}
