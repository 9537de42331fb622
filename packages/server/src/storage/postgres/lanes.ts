/**
 * Several {@link Batcher}s side by side, an item going to the lane its key
 * hashes to: batches of different lanes overlap their round trips (while
 * one waits for a commit's WAL flush, another is sent), and items with the
 * same key stay in one lane, so they are still done in the order given.
 */
import type { Batcher } from './batcher.js';

export class Lanes<I, R> {
  private readonly lanes: Batcher<I, R>[];

  constructor(
    count: number,
    private readonly keyOf: (item: I) => Uint8Array,
    make: () => Batcher<I, R>,
  ) {
    this.lanes = Array.from({ length: count }, make);
  }

  run(item: I): Promise<R> {
    const key = this.keyOf(item);
    // Account ids are random, so their last bytes spread evenly.
    const h = ((key[key.length - 1] ?? 0) << 8) | (key[key.length - 2] ?? 0);
    return (this.lanes[h % this.lanes.length] as Batcher<I, R>).run(item);
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.close()));
  }
}
