/**
 * Group commit for PostgreSQL queue writes. Enqueues and acks arriving while
 * a transaction is in flight wait and then go together in the next one, so
 * under load hundreds share one commit (one WAL flush, a fixed number of
 * round trips) instead of paying one each. One transaction is in flight at a
 * time per node: batches commit in the order they were formed, which keeps
 * one sender's messages in order even when they land in different batches.
 * A promise resolves only after COMMIT; if the transaction fails, every op
 * in it rejects and the sender gets a retryable error (nothing was acked).
 */
import type { PgPool } from './driver.js';
import { type QueueOp, type QueueOpResult, runQueueBatch } from './queue-batch.js';

interface Pending {
  op: QueueOp;
  resolve: (value: QueueOpResult) => void;
  reject: (err: unknown) => void;
}

/** Rows (envelope copies plus acked ids) per transaction; the rest wait for the next. */
const MAX_BATCH_ROWS = 2_000;

function rowsOf(op: QueueOp): number {
  return op.kind === 'ack' ? op.ids.length : op.request.copies.length;
}

export class PgGroupCommitter {
  private pending: Pending[] = [];
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly pool: PgPool,
    private readonly onCommit: (batchSize: number) => void = () => {},
  ) {}

  /** Queues `op` for the next shared transaction; resolves with its result after COMMIT. */
  run(op: QueueOp): Promise<QueueOpResult> {
    if (this.closed) return Promise.reject(new Error('storage is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ op, resolve, reject });
      // setImmediate lets every op of the current event-loop turn join the first batch.
      this.running ??= new Promise<void>((done) => setImmediate(done)).then(() => this.drain());
    });
  }

  /** Refuses new ops and waits until the queued ones are committed (or failed). */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) await this.runBatch(this.takeBatch());
    this.running = undefined;
  }

  private takeBatch(): Pending[] {
    let rows = 0;
    let n = 0;
    while (
      n < this.pending.length &&
      (n === 0 || rows + rowsOf((this.pending[n] as Pending).op) <= MAX_BATCH_ROWS)
    ) {
      rows += rowsOf((this.pending[n] as Pending).op);
      n++;
    }
    return this.pending.splice(0, n);
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    let client: Awaited<ReturnType<PgPool['connect']>>;
    try {
      client = await this.pool.connect();
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    let results: QueueOpResult[];
    try {
      results = await runQueueBatch(
        client,
        batch.map((p) => p.op),
      );
    } catch (err) {
      await client.query('ROLLBACK').then(
        () => client.release(),
        (rollbackErr: Error) => client.release(rollbackErr),
      );
      for (const p of batch) p.reject(err);
      return;
    }
    client.release();
    this.onCommit(batch.length);
    batch.forEach((p, i) => {
      p.resolve(results[i] as QueueOpResult);
    });
  }
}
