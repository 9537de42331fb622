/**
 * Lookup tags of the names a client touches again and again — the session,
 * contact and trusted-identity records of its peers, their namespaces, the
 * conversation of each message — computed once instead of an HMAC per use
 * (a live message wrote five records and read as many, two tags each).
 * A tag is what the store keeps in the clear anyway, so holding it costs no
 * secrecy; the memo is bounded (the oldest name goes first) and dropped
 * with the store. Seen-ids are unique per envelope and never pass here.
 */

/** Names kept; a tag is 32 bytes. */
const CAPACITY = 2048;

export class TagMemo {
  readonly #tags = new Map<string, Uint8Array>();
  readonly #compute: (ns: string, key: string) => Uint8Array;

  constructor(compute: (ns: string, key: string) => Uint8Array) {
    this.#compute = compute;
  }

  /** The tag of (ns, key); callers must not write into it. */
  tag(ns: string, key: string): Uint8Array {
    const name = `${ns}\u0000${key}`;
    let t = this.#tags.get(name);
    if (t === undefined) {
      t = this.#compute(ns, key);
      if (this.#tags.size >= CAPACITY) this.#tags.delete(this.#tags.keys().next().value as string);
      this.#tags.set(name, t);
    }
    return t;
  }

  clear(): void {
    this.#tags.clear();
  }
}
