/**
 * Reads an async stream of chunks by byte counts: skip what the server
 * already holds, then take one upload piece after another, each a stream of
 * its own. Chunks pass through as they are (split only at a piece's end),
 * so nothing is copied. One chunk is always asked for ahead, so reading
 * and encrypting the next one overlaps sending this one, and goes on while
 * the server syncs a piece (the source must hand out a fresh chunk each
 * time, as the cipher does).
 */
export class ByteCursor {
  readonly #it: AsyncIterator<Uint8Array>;
  #rest: Uint8Array | undefined;
  #ahead: Promise<IteratorResult<Uint8Array>> | undefined;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#it = source[Symbol.asyncIterator]();
  }

  #ask(): Promise<IteratorResult<Uint8Array>> {
    const p = this.#it.next();
    p.catch(() => {}); // surfaces where it is awaited, not as an unhandled rejection
    return p;
  }

  async #next(): Promise<Uint8Array | undefined> {
    const rest = this.#rest;
    if (rest) {
      this.#rest = undefined;
      return rest;
    }
    const r = await (this.#ahead ?? this.#ask());
    this.#ahead = r.done ? undefined : this.#ask();
    return r.done ? undefined : r.value;
  }

  /** The next `n` bytes as chunks; fewer only if the source ends first. */
  async *take(n: number): AsyncGenerator<Uint8Array> {
    for (let left = n; left > 0; ) {
      const chunk = await this.#next();
      if (!chunk) return;
      if (chunk.length > left) {
        this.#rest = chunk.subarray(left);
        yield chunk.subarray(0, left);
        return;
      }
      left -= chunk.length;
      yield chunk;
    }
  }

  /** Reads and drops `n` bytes; resolves how many there were. */
  async skip(n: number): Promise<number> {
    let done = 0;
    for await (const chunk of this.take(n)) done += chunk.length;
    return done;
  }

  /** Reads to the end (so a generator behind it runs its last steps); resolves how many bytes came. */
  async drain(): Promise<number> {
    let done = 0;
    for (let chunk = await this.#next(); chunk; chunk = await this.#next()) done += chunk.length;
    return done;
  }

  /** Stops the source early (a pass given up): its generators run their cleanup, the file is closed. */
  async close(): Promise<void> {
    this.#rest = undefined;
    this.#ahead = undefined;
    await this.#it.return?.();
  }
}
