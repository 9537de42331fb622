/**
 * The cluster benchmark itself (bench/cluster.ts runs it on the sources).
 *
 * Cluster benchmark (issue 6, item 5): durable messages per second and
 * p50/p99 latency for one node on SQLite (the baseline, measured in this
 * run), one node on PostgreSQL, and two and three nodes on PostgreSQL +
 * Redis, with the server benchmark's load generator (bench/server/load-gen.ts)
 * in separate processes. With several nodes, each generator's senders sit on
 * one node and its recipients on the next, so every message crosses nodes
 * (PostgreSQL commit, then a Redis wake-up, then a read on the other node).
 *
 *   npm run bench:cluster          (BENCH_SCALE=0.3 for a quick run)
 *
 * Needs PostgreSQL and Redis on 127.0.0.1 (see docs/testing.md);
 * each scenario gets a fresh database, dropped afterwards.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTempPostgresDatabase, postgresAdminUrl, redisUrl, tempRedisPrefix } from '@tacet/testkit';
import type { LoadCommand, LoadReply } from '../server/ipc.js';
import { backendCpuMicros, backendDelta, nodeCpuMicros } from './cpu.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const GENERATORS = 2;
const PAIRS_PER_GENERATOR = 50;
const WINDOW = 16;
const DURATION_MS = Math.max(1000, 5000 * SCALE);
const OFFERED_PER_SECOND = Number(process.env.BENCH_OFFERED ?? 2_000);
/** Scenarios run interleaved this many times; the table shows medians (the machine is shared and noisy). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const EXEC_ARGV = ['--conditions=source', '--import', 'tsx', '--expose-gc'];
/** BENCH_PROF=dir: CPU profiles of the server nodes go there. */
const NODE_ARGV = [
  ...EXEC_ARGV,
  ...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []),
];
/** BENCH_ONLY=substring: run only the scenarios whose name contains it (the SQLite baseline always runs). */
const ONLY = process.env.BENCH_ONLY;
const file = (f: string) => fileURLToPath(new URL(f, import.meta.url));

interface Scenario {
  name: string;
  nodes: number;
  postgres: boolean;
  redis: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: '1 node, SQLite', nodes: 1, postgres: false, redis: false },
  { name: '1 node, PostgreSQL', nodes: 1, postgres: true, redis: false },
  { name: '1 node, PG + Redis', nodes: 1, postgres: true, redis: true },
  { name: '2 nodes, PG + Redis', nodes: 2, postgres: true, redis: true },
  { name: '3 nodes, PG + Redis', nodes: 3, postgres: true, redis: true },
];

function next<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`child exited (${code}) while waiting for ${type}`));
    const onMessage = (m: { type: string; message?: string }) => {
      if (m.type === 'error') reject(new Error(m.message));
      if (m.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as T);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function ask<T extends LoadReply>(
  gens: ChildProcess[],
  cmds: LoadCommand[],
  type: T['type'],
): Promise<T[]> {
  const replies = gens.map((g) => next<T>(g, type));
  gens.forEach((g, i) => {
    g.send(cmds[i] as LoadCommand);
  });
  return Promise.all(replies);
}

const percentile = (sorted: number[], p: number) =>
  sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number)
    : Number.NaN;

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
  delivered: string;
  /** Server-side CPU per message in the throughput phase: tacet nodes, PostgreSQL backends. */
  nodeCpuUs: number;
  dbCpuUs: number;
}

async function startNodes(
  s: Scenario,
  postgresUrl: string | undefined,
): Promise<{ nodes: ChildProcess[]; urls: string[] }> {
  const config = {
    ...(postgresUrl ? { postgresUrl } : {}),
    ...(s.redis ? { redisUrl: redisUrl(), redisPrefix: tempRedisPrefix() } : {}),
  };
  const nodes = Array.from({ length: s.nodes }, () =>
    fork(file('./node.ts'), [JSON.stringify(config)], {
      execArgv: NODE_ARGV,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const urls = await Promise.all(nodes.map((n) => next<{ url: string }>(n, 'listening').then((r) => r.url)));
  return { nodes, urls };
}

async function measure(s: Scenario): Promise<Figures> {
  const db = s.postgres ? await createTempPostgresDatabase() : undefined;
  const { nodes, urls } = await startNodes(s, db?.url);
  const gens = Array.from({ length: GENERATORS }, () =>
    fork(file('../server/load-gen.ts'), [], {
      execArgv: EXEC_ARGV,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  try {
    // Generator g: senders on node g, recipients on node g + 1 (the same node when there is one).
    const setup = gens.map(
      (_, g): LoadCommand => ({
        type: 'setup',
        target: 'tacet',
        url: urls[g % urls.length] as string,
        recipientUrl: urls[(g + 1) % urls.length] as string,
        pairs: PAIRS_PER_GENERATOR,
      }),
    );
    await ask(gens, setup, 'ready');
    const cpuBefore = await nodeCpuMicros(nodes);
    const dbBefore = db ? await backendCpuMicros(postgresAdminUrl(), db.name) : new Map<number, number>();
    const tp = await ask<Extract<LoadReply, { type: 'throughput' }>>(
      gens,
      gens.map(() => ({ type: 'throughput', durationMs: DURATION_MS, window: WINDOW })),
      'throughput',
    );
    const cpu = (await nodeCpuMicros(nodes)) - cpuBefore;
    const dbCpu = db ? backendDelta(dbBefore, await backendCpuMicros(postgresAdminUrl(), db.name)) : 0;
    const received = tp.reduce((n, r) => n + r.received, 0);
    const perSecond = tp.reduce((n, r) => n + (r.received * 1000) / r.elapsedMs, 0);
    await new Promise((r) => setTimeout(r, 500));
    const rt = await ask<Extract<LoadReply, { type: 'rate' }>>(
      gens,
      gens.map(() => ({ type: 'rate', durationMs: DURATION_MS, perSecond: OFFERED_PER_SECOND / GENERATORS })),
      'rate',
    );
    const lat = rt.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
    const sent = rt.reduce((n, r) => n + r.sent, 0);
    return {
      perSecond,
      p50: percentile(lat, 50),
      p99: percentile(lat, 99),
      delivered: `${lat.length}/${sent}`,
      nodeCpuUs: cpu / received,
      dbCpuUs: dbCpu / received,
    };
  } finally {
    for (const g of gens) if (g.connected) g.send({ type: 'close' });
    for (const n of nodes) if (n.connected) n.send({ type: 'close' });
    await Promise.all(
      [...nodes, ...gens].map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
    );
    await db?.drop();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

console.log(
  `cluster benchmark: ${GENERATORS}x${PAIRS_PER_GENERATOR} pairs, window ${WINDOW}, ${DURATION_MS} ms per phase, 200-byte messages,`,
);
console.log(
  `durable commit on every back end; p50/p99 at ${OFFERED_PER_SECOND}/s offered; ${ROUNDS} interleaved rounds, medians\n`,
);
const scenarios = SCENARIOS.filter((x, i) => i === 0 || !ONLY || x.name.includes(ONLY));
const runs = new Map<string, Figures[]>(scenarios.map((s) => [s.name, []]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const s of scenarios) {
    const f = await measure(s);
    runs.get(s.name)?.push(f);
    console.log(
      `  round ${round}: ${s.name.padEnd(22)} ${Math.round(f.perSecond)} msgs/s, p99 ${f.p99.toFixed(1)} ms, CPU/msg ${f.nodeCpuUs.toFixed(0)} + ${f.dbCpuUs.toFixed(0)} us`,
    );
  }
}
const summary = new Map(
  [...runs].map(([name, fs]) => [
    name,
    {
      perSecond: median(fs.map((f) => f.perSecond)),
      p50: median(fs.map((f) => f.p50)),
      p99: median(fs.map((f) => f.p99)),
      delivered: fs.map((f) => f.delivered).join(' '),
      nodeCpuUs: median(fs.map((f) => f.nodeCpuUs)),
      dbCpuUs: median(fs.map((f) => f.dbCpuUs)),
    },
  ]),
);
const base = summary.get('1 node, SQLite') as Figures;
console.log(
  `\n${'scenario'.padEnd(22)} ${'msgs/s'.padStart(9)} ${'vs SQLite'.padStart(10)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'CPU us/msg'.padStart(11)} ${'(node+db)'.padStart(11)}  delivered (per round)`,
);
for (const [name, f] of summary) {
  console.log(
    [
      name.padEnd(22),
      Math.round(f.perSecond).toString().padStart(9),
      `${((f.perSecond / base.perSecond) * 100).toFixed(0)}%`.padStart(10),
      f.p50.toFixed(2).padStart(8),
      f.p99.toFixed(2).padStart(8),
      (f.nodeCpuUs + f.dbCpuUs).toFixed(0).padStart(11),
      `${f.nodeCpuUs.toFixed(0)}+${f.dbCpuUs.toFixed(0)}`.padStart(11),
      ` ${f.delivered}`,
    ].join(' '),
  );
}
const pgNode = summary.get('1 node, PostgreSQL');
const ratio = (pgNode?.perSecond ?? Number.NaN) / base.perSecond;
console.log(
  `\none node PostgreSQL / one node SQLite: ${(ratio * 100).toFixed(1)}% (goal >= 50%: ${ratio >= 0.5 ? 'met' : 'NOT met'})`,
);
if (pgNode) {
  // Messages per second one core could carry at the measured CPU cost: independent of the machine's load.
  const perCore = (f: Figures) => 1_000_000 / (f.nodeCpuUs + f.dbCpuUs);
  const cpuRatio = perCore(pgNode) / perCore(base);
  console.log(
    `by server CPU per message (node + database): ${Math.round(perCore(base))} vs ${Math.round(perCore(pgNode))} msgs per core-second, PostgreSQL at ${(cpuRatio * 100).toFixed(1)}%`,
  );
}
