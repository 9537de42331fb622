/**
 * A server process's own stalls during one benchmark phase: how late its
 * event loop ran (perf_hooks' delay histogram, 1 ms resolution) and how long
 * the garbage collector paused it. Read beside the latency percentiles, they
 * tell a tail the server made itself from one the disk or the machine made.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

export interface LoopStats {
  delayP99Ms: number;
  delayMaxMs: number;
  gcTotalMs: number;
  gcMaxMs: number;
}

/** Starts watching this process; `reset` begins a phase, `read` reports it. */
export function watchLoop(): { reset(): void; read(): LoopStats } {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let gcTotal = 0;
  let gcMax = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcTotal += e.duration;
      gcMax = Math.max(gcMax, e.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  return {
    reset() {
      delay.reset();
      gcTotal = 0;
      gcMax = 0;
    },
    read: () => ({
      delayP99Ms: delay.percentile(99) / 1e6,
      delayMaxMs: delay.max / 1e6,
      gcTotalMs: gcTotal,
      gcMaxMs: gcMax,
    }),
  };
}
