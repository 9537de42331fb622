/**
 * Group commit for PostgreSQL queue writes. Enqueues and acks arriving while
 * a transaction is in flight wait and then go together in the next one, so
 * under load hundreds share one commit (one WAL flush, one statement:
 * queue-batch.ts) instead of paying one each. A few lanes run side by side
 * so one batch's round trip overlaps another's commit; an op's lane is
 * chosen by the recipient account of its first copy (or the acking
 * account), and one lane has one batch in flight at a time, so messages to
 * one recipient commit in the order they were sent.
 * @NOTE A send addressed to several accounts (one frame for a whole group)
 * is ordered with the other sends to its first account only; a later
 * one-to-one send to another member may commit before it.
 * A promise resolves only after COMMIT; if the transaction fails, every op
 * in it rejects and the sender gets a retryable error (nothing was acked).
 */
import { Batcher } from './batcher.js';
import type { PgPool } from './driver.js';
import { Lanes } from './lanes.js';
import { type QueueOp, type QueueOpResult, runQueueBatch } from './queue-batch.js';

/** Rows (envelope copies plus acked ids) per transaction; the rest wait for the next. */
const MAX_BATCH_ROWS = 2_000;
/** Batches in flight at once per node. */
const WRITE_LANES = 3;

export class PgGroupCommitter {
  private readonly batcher: Lanes<QueueOp, QueueOpResult>;

  constructor(
    private readonly pool: PgPool,
    private readonly onCommit: (batchSize: number) => void = () => {},
  ) {
    this.batcher = new Lanes(
      WRITE_LANES,
      (op) => (op.kind === 'ack' ? op.accountId : (op.request.copies[0]?.accountId ?? new Uint8Array(0))),
      () =>
        new Batcher(
          (ops) => this.commit(ops),
          MAX_BATCH_ROWS,
          (op) => (op.kind === 'ack' ? op.ids.length : op.request.copies.length),
        ),
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
