/**
 * Timing helpers shared by the protocol benchmarks. Contenders run in short
 * interleaved slices (A, B, A, B, ...) and each rate is its total operations
 * over its total time, so load that drifts on the shared 2-core machine hits
 * every contender alike. Each slice also records the process CPU time it
 * used: operations per CPU-second is the figure that stays stable when other
 * processes compete for the cores (both contenders run on this one thread).
 */

export type Op = () => Promise<unknown>;

interface Tally {
  count: number;
  ms: number;
  cpuMs: number;
}

/** Rates from a tally: per wall-clock second and per CPU-second. */
export interface Rate {
  wall: number;
  cpu: number;
}

/** Runs `op` in batches for about `durationMs`; returns the count, wall time and CPU time. */
async function slice(op: Op, durationMs: number, batch: number): Promise<Tally> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let count = 0;
  let ms = 0;
  do {
    for (let i = 0; i < batch; i++) await op();
    count += batch;
    ms = performance.now() - started;
  } while (ms < durationMs);
  const used = process.cpuUsage(cpu);
  return { count, ms, cpuMs: (used.user + used.system) / 1000 };
}

/** Operations per second of `op` over about `durationMs`. */
export async function opsPerSecond(op: Op, durationMs: number, batch = 10): Promise<number> {
  const { count, ms } = await slice(op, durationMs, batch);
  return (count * 1000) / ms;
}

/**
 * Rates of each named op after a warm-up, each measured for about
 * `durationMs` in total, in interleaved slices of `sliceMs`.
 */
export async function compare<K extends string>(
  ops: Record<K, Op>,
  options: { durationMs: number; sliceMs?: number; batch?: number },
): Promise<Record<K, Rate>> {
  const names = Object.keys(ops) as K[];
  const sliceMs = options.sliceMs ?? 100;
  const batch = options.batch ?? 5;
  for (const name of names) await slice(ops[name], Math.min(300, options.durationMs), batch);
  const totals = Object.fromEntries(names.map((n) => [n, { count: 0, ms: 0, cpuMs: 0 }])) as Record<K, Tally>;
  for (let spent = 0; spent < options.durationMs; spent += sliceMs) {
    for (const name of names) {
      const r = await slice(ops[name], sliceMs, batch);
      totals[name].count += r.count;
      totals[name].ms += r.ms;
      totals[name].cpuMs += r.cpuMs;
    }
  }
  const rate = (t: Tally): Rate => ({ wall: (t.count * 1000) / t.ms, cpu: (t.count * 1000) / t.cpuMs });
  return Object.fromEntries(names.map((n) => [n, rate(totals[n])])) as Record<K, Rate>;
}
