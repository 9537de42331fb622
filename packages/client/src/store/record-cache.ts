/**
 * Opened records, kept in memory so a drain reads what does not change
 * (own identity, device lists, trusted keys, "untrusted" flags, sessions)
 * without an HMAC, a SELECT and an AES-GCM open per message. Absence is
 * cached too: most lookups of flags find nothing. The store writes through
 * it after every successful commit, so it is never staler than the disk.
 *
 * A read that raced a commit must not put back what the commit replaced:
 * every commit bumps `epoch`, and a read fills the cache only if the epoch
 * it started in is still current. Callers get copies, never the cached
 * arrays. Bounded: the oldest entry goes first.
 */

/** Entries kept; a session or key record is a few KB at most. */
const CAPACITY = 1024;

export class RecordCache {
  readonly #entries = new Map<string, Uint8Array | null>();
  #epoch = 0;

  get epoch(): number {
    return this.#epoch;
  }

  /** A copy of the cached value; null = known absent; undefined = not cached. */
  get(ns: string, key: string): Uint8Array | null | undefined {
    const v = this.#entries.get(slot(ns, key));
    return v === undefined || v === null ? v : v.slice();
  }

  /**
   * True when the cache knows the record is on disk as exactly `value`
   * (null: known absent), so writing it again would change nothing.
   */
  holds(ns: string, key: string, value: Uint8Array | null): boolean {
    const v = this.#entries.get(slot(ns, key));
    if (v === undefined) return false;
    if (v === null || value === null) return v === value;
    if (v.length !== value.length) return false;
    for (let i = 0; i < v.length; i++) if (v[i] !== value[i]) return false;
    return true;
  }

  /** Remembers what a read found, unless a commit happened since `epoch`. */
  fill(ns: string, key: string, value: Uint8Array | undefined, epoch: number): void {
    if (epoch !== this.#epoch) return;
    this.#put(slot(ns, key), value ? value.slice() : null);
  }

  /** After a commit: its records as they now are on disk. */
  committed(records: ReadonlyArray<{ ns: string; key: string; value: Uint8Array | null }>): void {
    this.#epoch++;
    for (const r of records) this.#put(slot(r.ns, r.key), r.value === null ? null : r.value.slice());
  }

  /** After a failed commit: what it may have touched is read afresh. */
  forget(records: ReadonlyArray<{ ns: string; key: string }>): void {
    this.#epoch++;
    for (const r of records) this.#drop(slot(r.ns, r.key));
  }

  /** Overwrites and drops everything (the store is closing). */
  wipe(): void {
    this.#epoch++;
    for (const v of this.#entries.values()) v?.fill(0);
    this.#entries.clear();
  }

  #put(k: string, v: Uint8Array | null): void {
    this.#drop(k);
    this.#entries.set(k, v);
    if (this.#entries.size > CAPACITY) {
      const oldest = this.#entries.keys().next().value as string;
      this.#drop(oldest);
    }
  }

  #drop(k: string): void {
    this.#entries.get(k)?.fill(0);
    this.#entries.delete(k);
  }
}

function slot(ns: string, key: string): string {
  return `${ns}\u0000${key}`;
}
