/**
 * Timing helpers shared by the protocol benchmarks: operations per second
 * over a fixed wall-clock window, best of several interleaved rounds so a
 * noisy neighbour on the 2-core machine hurts both sides alike.
 */

export type Op = () => Promise<unknown>;

/** Operations per second of `op` over about `durationMs` (batches of `batch`). */
export async function opsPerSecond(op: Op, durationMs: number, batch = 10): Promise<number> {
  const started = performance.now();
  let count = 0;
  let elapsed = 0;
  do {
    for (let i = 0; i < batch; i++) await op();
    count += batch;
    elapsed = performance.now() - started;
  } while (elapsed < durationMs);
  return (count * 1000) / elapsed;
}

/** Best-of-`rounds` rates for each named op, measured in turn after a short warm-up. */
export async function compare<K extends string>(
  ops: Record<K, Op>,
  options: { durationMs: number; rounds: number; batch?: number },
): Promise<Record<K, number>> {
  const names = Object.keys(ops) as K[];
  for (const name of names) await opsPerSecond(ops[name], Math.min(300, options.durationMs), options.batch);
  const best = Object.fromEntries(names.map((n) => [n, 0])) as Record<K, number>;
  for (let r = 0; r < options.rounds; r++) {
    for (const name of names) {
      best[name] = Math.max(best[name], await opsPerSecond(ops[name], options.durationMs, options.batch));
    }
  }
  return best;
}
