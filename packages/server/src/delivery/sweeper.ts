/**
 * Retention sweeper: deletes envelopes (or attachments) whose retention
 * ended, in bounded batches so a large sweep never holds the write lock for long.
 */

import { SWEEP_BATCH } from '../limits.js';
import type { Logger } from '../logger.js';
import { errorFields } from '../logger.js';
import type { QueueStore } from './queue-store.js';

export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly queue: Pick<QueueStore, 'deleteExpired'>,
    private readonly logger: Logger,
    private readonly onDeleted: (n: number) => void,
    /** Log line of a sweep that deleted something. */
    private readonly what = 'expired messages deleted',
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      void this.sweep();
    }, intervalMs);
    this.timer.unref();
  }

  /** Deletes everything expired by now; resolves how many. Overlapping calls share one run. */
  sweep(): Promise<number> {
    this.running ??= this.sweepAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops the timer and waits for a running sweep. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async sweepAll(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const n = await this.queue.deleteExpired(Date.now(), SWEEP_BATCH);
        total += n;
        if (n < SWEEP_BATCH) break;
      }
    } catch (err) {
      this.logger.warn('sweep failed', errorFields(err));
    }
    if (total > 0) {
      this.onDeleted(total);
      this.logger.info(this.what, { count: total });
    }
    return total;
  }
}
