/**
 * Timing helpers shared by the protocol benchmarks. Contenders run in
 * alternating blocks (A, B, A, B, ...), each block preceded by a full garbage
 * collection (when `--expose-gc` is on) and an unmeasured warm-up, so one
 * contender's leftover work (libsignal's native handles are finalized lazily)
 * is not charged to the other; each contender keeps its best block. Every block also records the
 * process CPU time it used: operations per CPU-second stays stable when other
 * processes compete for the shared cores.
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

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Collects garbage and lets native finalizers (queued to run after a GC, on
 * later ticks) finish, so the next block starts clean.
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Best rates of each named op after a warm-up, over `rounds` alternating
 * blocks of `durationMs / rounds` each.
 */
export async function compare<K extends string>(
  ops: Record<K, Op>,
  options: { durationMs: number; rounds?: number; batch?: number },
): Promise<Record<K, Rate>> {
  const names = Object.keys(ops) as K[];
  const rounds = options.rounds ?? 4;
  const batch = options.batch ?? 5;
  for (const name of names) await slice(ops[name], Math.min(300, options.durationMs), batch);
  const best = Object.fromEntries(names.map((n) => [n, { wall: 0, cpu: 0 }])) as Record<K, Rate>;
  for (let r = 0; r < rounds; r++) {
    for (const name of names) {
      // Absorb what the previous contender left behind (GC, native finalizers, cold caches).
      await settle();
      await slice(ops[name], options.durationMs / rounds / 4, batch);
      const t = await slice(ops[name], options.durationMs / rounds, batch);
      best[name].wall = Math.max(best[name].wall, (t.count * 1000) / t.ms);
      best[name].cpu = Math.max(best[name].cpu, (t.count * 1000) / t.cpuMs);
    }
  }
  return best;
}
