/**
 * Coalesces calls made while a round trip is in flight into the next one:
 * items queued during one event-loop turn, or while the previous batch ran,
 * go to the database together. One batch runs at a time, so batches finish
 * in the order they were formed. Each item resolves with its own result, or
 * every item of a failed batch rejects with the batch's error.
 */

interface Pending<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (err: unknown) => void;
}

export class Batcher<I, R> {
  private pending: Pending<I, R>[] = [];
  private running: Promise<void> | undefined;
  private closed = false;

  /**
   * @param runBatch does the round trip; resolves one result per item, in order
   * @param weight size of an item against `maxWeight` (rows it touches)
   */
  constructor(
    private readonly runBatch: (items: I[]) => Promise<R[]>,
    private readonly maxWeight: number,
    private readonly weight: (item: I) => number = () => 1,
  ) {}

  /** Queues `item` for the next batch; resolves with its result once that batch is done. */
  run(item: I): Promise<R> {
    if (this.closed) return Promise.reject(new Error('storage is closed'));
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      // setImmediate lets every call of the current event-loop turn join the first batch.
      this.running ??= new Promise<void>((done) => setImmediate(done)).then(() => this.drain());
    });
  }

  /** Refuses new items and waits until the queued ones are done. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.take();
      try {
        const results = await this.runBatch(batch.map((p) => p.item));
        batch.forEach((p, i) => {
          p.resolve(results[i] as R);
        });
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.running = undefined;
  }

  private take(): Pending<I, R>[] {
    let total = 0;
    let n = 0;
    for (const p of this.pending) {
      const w = this.weight(p.item);
      if (n > 0 && total + w > this.maxWeight) break;
      total += w;
      n++;
    }
    return this.pending.splice(0, n);
  }
}
