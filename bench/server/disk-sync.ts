/**
 * The disk's own floor under a durable commit: appends one 4 KiB page (one
 * WAL frame) to a file in the benchmark's data directory and fdatasyncs it,
 * back to back, the way tacet's SQLite storage syncs its WAL. A send's
 * latency includes at least one such sync (up to two when it arrives while
 * one runs), so its p99 bounds what any durable server can reach here.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';

export interface DiskSyncFigures {
  syncs: number;
  p50: number;
  p99: number;
}

/** Syncs for `durationMs` in `dir`; returns the sync latencies' percentiles in ms. */
export async function measureDiskSync(
  dir: string,
  durationMs: number,
  percentile: (sorted: number[], p: number) => number,
): Promise<DiskSyncFigures> {
  const file = await open(join(dir, 'disk-sync-probe'), 'w');
  const page = Buffer.alloc(4096, 1);
  const lat: number[] = [];
  try {
    const end = performance.now() + durationMs;
    while (performance.now() < end) {
      const t0 = performance.now();
      await file.write(page);
      await file.datasync();
      lat.push(performance.now() - t0);
    }
  } finally {
    await file.close();
  }
  lat.sort((a, b) => a - b);
  return { syncs: lat.length, p50: percentile(lat, 50), p99: percentile(lat, 99) };
}
