/**
 * Server benchmark (issue 3, item 8; issue 10, item 5): tacet with durable
 * commits (SQLite WAL, synchronous=NORMAL, the WAL fdatasynced off the event
 * loop before a send is acked) against a bare `ws` relay without
 * persistence as the ceiling, both measured in this run, over loopback,
 * with load generators in separate processes.
 *
 *   npm run bench:server          (BENCH_SCALE=0.2 for a quick run)
 *
 * Prints: messages/s end to end (closed loop, a window of unacked sends per
 * sender); p50/p99 send->receive latency at fixed offered loads (20,000/s, 2,000/s, and half of
 * tacet's measured saturation, offered to both); server
 * memory per idle connection over 10,000 idle connections; the latency of
 * one fdatasync of this disk alone (the floor under any durable commit);
 * tacet's storage alone at 2,000/s (enqueue -> durable, no sockets: the
 * storage's share of a send's tail); and the ratios against the relay with
 * the issue's goals.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureDiskSync } from './server/disk-sync.js';
import type { LoadCommand, LoadReply, NodeReply, ServerTarget } from './server/ipc.js';
import type { LoopStats } from './server/loop-stats.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const GENERATORS = 2;
const PAIRS_PER_GENERATOR = 50;
const WINDOW = 16;
const DURATION_MS = Math.max(1000, 5000 * SCALE);
const OFFERED_PER_SECOND = 20_000;
/** A load any healthy machine carries, so latency is visible even where 20,000/s saturates (run first: a saturated phase leaves a backlog). */
const LIGHT_PER_SECOND = 2_000;
const IDLE_CONNECTIONS = Math.round(10_000 * SCALE);
const EXEC_ARGV = [
  '--conditions=source',
  '--import',
  'tsx',
  '--expose-gc',
  ...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []),
];
const here = (f: string) => fileURLToPath(new URL(`./server/${f}`, import.meta.url));

function start(script: string, args: string[] = []): ChildProcess {
  return fork(here(script), args, { execArgv: EXEC_ARGV, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function next<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string; message?: string }) => {
      if (m.type === 'error') reject(new Error(m.message));
      if (m.type !== type) return;
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
  });
}

async function ask<T extends LoadReply>(
  gens: ChildProcess[],
  cmd: LoadCommand,
  type: T['type'],
): Promise<T[]> {
  const replies = gens.map((g) => next<T>(g, type));
  for (const g of gens) g.send(cmd);
  return Promise.all(replies);
}

function percentile(sorted: number[], p: number): number {
  return sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number)
    : Number.NaN;
}

interface Figures {
  perSecond: number;
  cpuPerMessage: number;
  p50: number;
  p99: number;
  lightP50: number;
  lightP99: number;
  /** Offered rate of the half-saturation phase (half of tacet's measured msgs/s), and its latencies. */
  halfRate: number;
  halfP50: number;
  halfP99: number;
  /** The server's own event-loop delay and GC pauses during the 2,000/s and the half-saturation phases. */
  lightLoop: LoopStats;
  halfLoop: LoopStats;
  delivered: string;
  bytesPerIdle: number;
}

async function stats(node: ChildProcess): Promise<Extract<NodeReply, { type: 'rss' }>> {
  const r = next<Extract<NodeReply, { type: 'rss' }>>(node, 'rss');
  node.send({ type: 'rss' });
  return r;
}
const rss = async (node: ChildProcess) => (await stats(node)).rss;

function exited(child: ChildProcess): Promise<unknown> {
  return new Promise((r) => child.once('exit', r));
}

/** Runs one fixed-rate phase split over the generators; returns its sorted latencies, how many were sent, and the server's loop figures. */
async function ratePhase(
  gens: ChildProcess[],
  node: ChildProcess,
  perSecond: number,
): Promise<{ lat: number[]; sent: number; loop: LoopStats }> {
  node.send({ type: 'loop-reset' });
  const replies = await ask<Extract<LoadReply, { type: 'rate' }>>(
    gens,
    { type: 'rate', durationMs: DURATION_MS, perSecond: perSecond / GENERATORS },
    'rate',
  );
  const loop = next<Extract<NodeReply, { type: 'loop-stats' }>>(node, 'loop-stats');
  node.send({ type: 'loop-stats' });
  const { type: _, ...stats } = await loop;
  await new Promise((r) => setTimeout(r, 500));
  return {
    loop: stats,
    lat: replies.flatMap((r) => r.latenciesMs).sort((a, b) => a - b),
    sent: replies.reduce((n, r) => n + r.sent, 0),
  };
}

/**
 * Measures `target`. `halfRate` is the offered rate of the half-saturation
 * phase; tacet passes nothing and uses half of its own measured throughput.
 * `postgresUrl`: tacet stores in that PostgreSQL database instead of SQLite.
 */
async function measure(target: ServerTarget, halfRate?: number, postgresUrl?: string): Promise<Figures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tacet-bench-'));
  const startNode = () =>
    start(target === 'tacet' ? 'tacet-node.ts' : 'relay-node.ts', [
      dataDir,
      ...(postgresUrl ? [postgresUrl] : []),
    ]);
  let node = startNode();
  let { url } = await next<{ url: string }>(node, 'listening');
  const gens = Array.from({ length: GENERATORS }, () => start('load-gen.ts'));
  // Memory first. Accounts are registered, then the server restarts on the same data, so the
  // baseline is a fresh process and the delta is the connections alone.
  await ask(gens, { type: 'prepare-idle', target, url, connections: IDLE_CONNECTIONS / GENERATORS }, 'ready');
  node.send({ type: 'close' });
  await exited(node);
  node = startNode();
  ({ url } = await next<{ url: string }>(node, 'listening'));
  const before = await rss(node);
  await ask(gens, { type: 'idle', target, url, connections: IDLE_CONNECTIONS / GENERATORS }, 'idle');
  await new Promise((r) => setTimeout(r, 1000));
  const after = await rss(node);
  await ask(gens, { type: 'close-idle' }, 'ready');
  await new Promise((r) => setTimeout(r, 500));

  await ask(gens, { type: 'setup', target, url, pairs: PAIRS_PER_GENERATOR }, 'ready');

  const cpuBefore = (await stats(node)).cpuMicros;
  node.send({ type: 'profile-start' });
  const tp = await ask<Extract<LoadReply, { type: 'throughput' }>>(
    gens,
    { type: 'throughput', durationMs: DURATION_MS, window: WINDOW },
    'throughput',
  );
  const perSecond = tp.reduce((n, r) => n + (r.received * 1000) / r.elapsedMs, 0);
  // Server CPU per message: a figure the machine's other load barely moves (the 1 s tail after the phase is included).
  const cpuPerMessage = ((await stats(node)).cpuMicros - cpuBefore) / tp.reduce((n, r) => n + r.received, 0);
  node.send({ type: 'profile-stop' });
  await new Promise((r) => setTimeout(r, 500));

  const light = await ratePhase(gens, node, LIGHT_PER_SECOND);
  const halfOffered = Math.round(halfRate ?? perSecond / 2);
  const half = await ratePhase(gens, node, halfOffered);
  const heavy = await ratePhase(gens, node, OFFERED_PER_SECOND);
  const lat = heavy.lat;
  const sent = heavy.sent;
  const lightLat = light.lat;

  for (const g of gens) g.send({ type: 'close' });
  node.send({ type: 'close' });
  await Promise.all([node, ...gens].map(exited));
  rmSync(dataDir, { recursive: true, force: true });
  return {
    perSecond,
    cpuPerMessage,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    lightP50: percentile(lightLat, 50),
    lightP99: percentile(lightLat, 99),
    halfRate: halfOffered,
    halfP50: percentile(half.lat, 50),
    halfP99: percentile(half.lat, 99),
    lightLoop: light.loop,
    halfLoop: half.loop,
    delivered: `${lat.length}/${sent}`,
    bytesPerIdle: (after - before) / IDLE_CONNECTIONS,
  };
}

function row(name: string, f: Figures): string {
  return [
    name.padEnd(22),
    Math.round(f.perSecond).toString().padStart(10),
    f.cpuPerMessage.toFixed(1).padStart(12),
    f.p50.toFixed(2).padStart(9),
    f.p99.toFixed(2).padStart(9),
    `${f.lightP50.toFixed(2)}/${f.lightP99.toFixed(2)}`.padStart(15),
    `${f.halfP50.toFixed(2)}/${f.halfP99.toFixed(2)}`.padStart(15),
    f.delivered.padStart(15),
    (f.bytesPerIdle / 1024).toFixed(2).padStart(12),
  ].join(' ');
}

const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

console.log(
  `server benchmark: ${GENERATORS}x${PAIRS_PER_GENERATOR} pairs, window ${WINDOW}, ${DURATION_MS} ms per phase, 200-byte messages,`,
);
console.log(
  `offered load ${OFFERED_PER_SECOND}/s and ${LIGHT_PER_SECOND}/s for latency, ${IDLE_CONNECTIONS} idle connections for memory\n`,
);
// BENCH_ONLY=tacet skips the relay (profiling); the ratios then compare against nothing.
const only = process.env.BENCH_ONLY;
// The disk alone first, on the file system the servers store on, while nothing else of ours runs.
const diskDir = mkdtempSync(join(tmpdir(), 'tacet-bench-disk-'));
const disk = await measureDiskSync(diskDir, DURATION_MS, percentile);
rmSync(diskDir, { recursive: true, force: true });
const storageAlone = await measureStorageAlone(LIGHT_PER_SECOND);

/** tacet's storage in a process of its own at `perSecond` (storage-alone.ts): enqueue -> durable percentiles and CPU per send. */
async function measureStorageAlone(
  perSecond: number,
): Promise<{ p50: number; p99: number; cpuPerMessage: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tacet-bench-storage-'));
  try {
    const child = start('storage-alone.ts', [dir, String(perSecond), String(DURATION_MS)]);
    const gone = exited(child);
    const r = await next<{ latenciesMs: number[]; cpuMicros: number }>(child, 'storage');
    await gone;
    const lat = r.latenciesMs.sort((a, b) => a - b);
    return { p50: percentile(lat, 50), p99: percentile(lat, 99), cpuPerMessage: r.cpuMicros / lat.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
// BENCH_ONLY=storage: the disk and the storage alone, nothing else (A/B runs of a storage change).
if (process.env.BENCH_ONLY === 'storage') {
  console.log(
    `fdatasync alone (disk): p50 ${disk.p50.toFixed(2)} ms, p99 ${disk.p99.toFixed(2)} ms; storage alone at ${LIGHT_PER_SECOND}/s: p50 ${storageAlone.p50.toFixed(2)} ms, p99 ${storageAlone.p99.toFixed(2)} ms, ${storageAlone.cpuPerMessage.toFixed(1)} µs CPU per send`,
  );
  process.exit(0);
}
// tacet first: its measured saturation sets the half-saturation rate offered to both.
const tacet = only === 'relay' ? await measure('relay') : await measure('tacet');
const relay = only === 'tacet' ? tacet : await measure('relay', tacet.halfRate);
// BENCH_POSTGRES=1 adds tacet on PostgreSQL (the shared-storage path), at half of its own saturation.
const postgres = process.env.BENCH_POSTGRES === '1' ? await measurePostgres() : undefined;

async function measurePostgres(): Promise<Figures> {
  const holder = start('postgres-db.ts');
  const { url } = await next<{ url: string }>(holder, 'database');
  try {
    return await measure('tacet', undefined, url);
  } finally {
    holder.send({ type: 'close' });
    await exited(holder);
  }
}
console.log(
  `${'target'.padEnd(22)} ${'msgs/s'.padStart(10)} ${'server µs/msg'.padStart(12)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'light p50/p99'.padStart(15)} ${'half p50/p99'.padStart(15)} ${'delivered'.padStart(15)} ${'KiB/idle'.padStart(12)}`,
);
console.log(row('bare ws relay (ceiling)', relay));
console.log(row('tacet (durable, WAL sync)', tacet));
if (postgres) console.log(row('tacet (PostgreSQL)', postgres));
console.log(
  `${'fdatasync alone (disk)'.padEnd(22)} ${`${disk.syncs} syncs of one 4 KiB page: p50 ${disk.p50.toFixed(2)} ms, p99 ${disk.p99.toFixed(2)} ms`.padStart(10)}`,
);
const throughputRatio = tacet.perSecond / relay.perSecond;
const memoryRatio = tacet.bytesPerIdle / relay.bytesPerIdle;
const cpuRatio = relay.cpuPerMessage / tacet.cpuPerMessage;
console.log(
  `\nthroughput ratio tacet/relay: ${(throughputRatio * 100).toFixed(1)}% (goal >= 40%: ${verdict(throughputRatio >= 0.4)})`,
);
console.log(
  `server CPU per message, relay/tacet: ${(cpuRatio * 100).toFixed(1)}% (what the throughput ratio approaches when neither process waits for a core)`,
);
console.log(
  `p99 at ${OFFERED_PER_SECOND}/s offered: ${tacet.p99.toFixed(2)} ms (goal < 25 ms: ${verdict(tacet.p99 < 25)})`,
);
console.log(
  `p99 at ${LIGHT_PER_SECOND}/s offered: tacet ${tacet.lightP99.toFixed(2)} ms, relay ${relay.lightP99.toFixed(2)} ms`,
);
console.log(
  `p99 at ${tacet.halfRate}/s offered (50% of tacet's saturation): tacet ${tacet.halfP99.toFixed(2)} ms (goal <= 10 ms: ${verdict(tacet.halfP99 <= 10)}), relay ${relay.halfP99.toFixed(2)} ms`,
);
if (postgres)
  console.log(
    `p99 of tacet on PostgreSQL: ${postgres.lightP99.toFixed(2)} ms at ${LIGHT_PER_SECOND}/s (${(postgres.lightP99 / relay.lightP99).toFixed(2)}x the relay), ${postgres.halfP99.toFixed(2)} ms at ${postgres.halfRate}/s (50% of its saturation; goal <= 10 ms: ${verdict(postgres.halfP99 <= 10)})`,
  );
const loopLine = (l: LoopStats) =>
  `loop delay p99 ${l.delayP99Ms.toFixed(1)} max ${l.delayMaxMs.toFixed(1)} ms, GC ${l.gcTotalMs.toFixed(1)} ms (longest ${l.gcMaxMs.toFixed(1)})`;
for (const [name, f] of [
  ['relay', relay],
  ['tacet', tacet],
  ...(postgres ? [['tacet PostgreSQL', postgres]] : []),
] as [string, Figures][])
  console.log(
    `server's own stalls, ${name}: at ${LIGHT_PER_SECOND}/s ${loopLine(f.lightLoop)}; at ${f.halfRate}/s ${loopLine(f.halfLoop)}`,
  );
console.log(
  `storage alone (enqueue -> durable, acked, no sockets) at ${LIGHT_PER_SECOND}/s: p50 ${storageAlone.p50.toFixed(2)} ms, p99 ${storageAlone.p99.toFixed(2)} ms, ${storageAlone.cpuPerMessage.toFixed(1)} µs CPU per send (tacet's p99 there is ${(tacet.lightP99 / storageAlone.p99).toFixed(2)}x it: the rest is sockets, frames and the machine's scheduler)`,
);
console.log(
  `disk floor: an acked send waits for one to two fdatasyncs, p99 of one here ${disk.p99.toFixed(2)} ms (${(tacet.halfP99 / disk.p99).toFixed(2)}x of it at 50% saturation)`,
);
console.log(
  `p99 ratio tacet/relay at ${LIGHT_PER_SECOND}/s: ${(tacet.lightP99 / relay.lightP99).toFixed(2)}x (goal <= 3x: ${verdict(tacet.lightP99 <= 3 * relay.lightP99)})`,
);
console.log(
  `memory per idle connection tacet/relay: ${memoryRatio.toFixed(2)}x (goal <= 2x: ${verdict(memoryRatio <= 2)})`,
);
