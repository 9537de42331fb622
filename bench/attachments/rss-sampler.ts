/** Peak resident memory of this process while a piece of work runs, sampled every 10 ms. */
export async function peakRssDuring<T>(
  work: () => Promise<T>,
): Promise<{ value: T; before: number; peak: number }> {
  globalThis.gc?.();
  const before = process.memoryUsage.rss();
  let peak = before;
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, before, peak };
  } finally {
    clearInterval(t);
  }
}
