/**
 * Group commit for PostgreSQL queue writes. Enqueues and acks arriving while
 * a transaction is in flight wait and then go together in the next one, so
 * under load hundreds share one commit (one WAL flush, one statement:
 * queue-batch.ts) instead of paying one each. One transaction is in flight at a
 * time per node: batches commit in the order they were formed, which keeps
 * one sender's messages in order even when they land in different batches.
 * A promise resolves only after COMMIT; if the transaction fails, every op
 * in it rejects and the sender gets a retryable error (nothing was acked).
 */
import { Batcher } from './batcher.js';
import type { PgPool } from './driver.js';
import { type QueueOp, type QueueOpResult, runQueueBatch } from './queue-batch.js';

/** Rows (envelope copies plus acked ids) per transaction; the rest wait for the next. */
const MAX_BATCH_ROWS = 2_000;

export class PgGroupCommitter {
  private readonly batcher: Batcher<QueueOp, QueueOpResult>;

  constructor(
    private readonly pool: PgPool,
    private readonly onCommit: (batchSize: number) => void = () => {},
  ) {
    this.batcher = new Batcher(
      (ops) => this.commit(ops),
      MAX_BATCH_ROWS,
      (op) => (op.kind === 'ack' ? op.ids.length : op.request.copies.length),
    );
  }

  /** Queues `op` for the next shared transaction; resolves with its result after COMMIT. */
  run(op: QueueOp): Promise<QueueOpResult> {
    return this.batcher.run(op);
  }

  /** Refuses new ops and waits until the queued ones are committed (or failed). */
  close(): Promise<void> {
    return this.batcher.close();
  }

  private async commit(ops: QueueOp[]): Promise<QueueOpResult[]> {
    const results = await runQueueBatch(this.pool, ops);
    this.onCommit(ops.length);
    return results;
  }
}
