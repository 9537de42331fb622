/**
 * Counts of refused or failed requests by error class, logged at info as one
 * line per class and interval (`{"msg":"errors","code":"rate_limited","count":5}`).
 * An operator learns that and how often something fails without the logs
 * holding who, from where, or exactly when.
 */
import type { Logger } from './logger.js';

export class ErrorTally {
  private counts = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private since = Date.now();

  constructor(private readonly logger: Logger) {}

  /** One more failure of class `code` (a stable error code, never input). */
  count(code: string): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
  }

  /** Logs and resets the counts gathered since the last flush. */
  flush(): void {
    const windowSeconds = Math.round((Date.now() - this.since) / 1000);
    for (const [code, count] of [...this.counts].sort(([a], [b]) => a.localeCompare(b)))
      this.logger.info('errors', { code, count, windowSeconds });
    this.counts = new Map();
    this.since = Date.now();
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and logs what is left. */
  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
