/**
 * One side of the live benchmark, in a process of its own so that its CPU
 * time (process.cpuUsage) is its own: opens a registered profile, connects,
 * and follows the parent's commands over IPC. The sender sends at a fixed
 * rate with its wall-clock send time (sub-ms) in the text; the receiver
 * notes, at each "message" event (the moment a UI can display it), how long
 * ago that was. Every store commit is counted.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { TacetClient } from '../../packages/client/src/index.js';
import { nodeWebSocket, openSqliteStore } from '../../packages/client/src/index.node.js';
import type { ClientStore, WriteBatch } from '../../packages/client/src/store/types.js';

export type PeerCommand =
  | { cmd: 'open'; dir: string }
  | { cmd: 'start' }
  | { cmd: 'send'; peer: string; rate: number; count: number; tag: string }
  | { cmd: 'expect'; count: number; tag: string }
  | { cmd: 'stop' }
  | { cmd: 'close' };

export type PeerReply =
  | { reply: 'ready' }
  | { reply: 'started' }
  /** `behindMs`: how late the last send began against its slot (the sender could not keep the rate). */
  | { reply: 'sent'; delivered: number; behindMs: number }
  | { reply: 'received'; latenciesMs: number[] }
  | {
      reply: 'stopped';
      cpuMicros: number;
      systemMicros: number;
      /** Of cpuMicros, the main thread's (user + kernel); null where /proc is not there to ask. */
      mainMicros: number | null;
      commits: number;
      /** Wall time of each commit in the window. */
      commitMs: number[];
    }
  | { reply: 'closed' };

const wallNow = () => performance.timeOrigin + performance.now();

/**
 * CPU time of this process's main thread alone, in µs (Linux: its thread
 * id is the pid; utime and stime in clock ticks, 100 per second), so that
 * what other threads spend (GC helpers, the libuv pool) shows apart.
 */
function mainThreadMicros(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the parenthesised name, which may itself hold spaces: utime and stime are the 12th and 13th.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10_000;
  } catch {
    return null;
  }
}

/**
 * Counts commits without changing them, and times each: better-sqlite3
 * commits synchronously, so a slow fsync stalls everything else this
 * process does for as long (what the latency rows then show).
 */
function counting(store: ClientStore): {
  store: ClientStore;
  commits: () => number;
  takeCommitMs: () => number[];
} {
  let n = 0;
  let ms: number[] = [];
  const apply = store.apply.bind(store);
  store.apply = async (b: WriteBatch) => {
    n++;
    const t0 = performance.now();
    try {
      return await apply(b);
    } finally {
      ms.push(performance.now() - t0);
    }
  };
  const takeCommitMs = () => {
    const taken = ms;
    ms = [];
    return taken;
  };
  return { store, commits: () => n, takeCommitMs };
}

let client: TacetClient | undefined;
let commits = () => 0;
let takeCommitMs = (): number[] => [];
let cpuAt = process.cpuUsage();
let mainAt = mainThreadMicros();
let commitsAt = 0;
const reply = (r: PeerReply) => process.send?.(r);

/** Resolves when `n` events of this run's `tag` have been seen by `pick`. */
function waitFor(
  c: TacetClient,
  n: number,
  pick: (e: Parameters<Parameters<TacetClient['on']>[0]>[0]) => boolean,
) {
  return new Promise<void>((resolve) => {
    let seen = 0;
    if (n === 0) return resolve();
    const off = c.on((e) => {
      if (pick(e) && ++seen === n) {
        off();
        resolve();
      }
    });
  });
}

async function sendAll(c: TacetClient, cmd: Extract<PeerCommand, { cmd: 'send' }>): Promise<void> {
  const ids = new Set<string>();
  const delivered = new Set<string>();
  let allSent = false;
  let done!: () => void;
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const check = () => {
    if (allSent && [...ids].every((id) => delivered.has(id))) done();
  };
  const off = c.on((e) => {
    if (e.type === 'updated' && e.message.status === 'delivered') {
      delivered.add(e.message.id);
      check();
    }
  });
  const start = performance.now();
  const sends: Promise<unknown>[] = [];
  let behindMs = 0;
  for (let n = 0; n < cmd.count; n++) {
    const due = start + (n * 1000) / cmd.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    behindMs = performance.now() - due;
    const body = JSON.stringify({ tag: cmd.tag, at: wallNow() });
    sends.push(c.send(cmd.peer, body).then((m) => ids.add(m.id)));
  }
  await Promise.all(sends);
  allSent = true;
  check();
  await finished;
  off();
  reply({ reply: 'sent', delivered: ids.size, behindMs });
}

async function expect(c: TacetClient, cmd: Extract<PeerCommand, { cmd: 'expect' }>): Promise<void> {
  const latencies: number[] = [];
  await waitFor(c, cmd.count, (e) => {
    if (e.type !== 'message' || e.message.direction !== 'in') return false;
    const { tag, at } = JSON.parse(e.message.body) as { tag: string; at: number };
    if (tag !== cmd.tag) return false;
    latencies.push(wallNow() - at);
    return true;
  });
  reply({ reply: 'received', latenciesMs: latencies });
}

process.on('message', (m: PeerCommand) => {
  void (async () => {
    if (m.cmd === 'open') {
      const counted = counting(await openSqliteStore({ dir: m.dir, passphrase: 'bench', logN: 14 }));
      commits = counted.commits;
      takeCommitMs = counted.takeCommitMs;
      client = await TacetClient.open({ store: counted.store, webSocket: nodeWebSocket });
      await client.connect();
      await client.waitForDrain();
      // Under --cpu-prof (bench/client.ts) node names each profile by pid: say which one is whose.
      if (process.execArgv.includes('--cpu-prof'))
        console.log(`live peer ${basename(m.dir)}: its profile is CPU.*.${process.pid}.*.cpuprofile`);
      reply({ reply: 'ready' });
    } else if (m.cmd === 'start') {
      cpuAt = process.cpuUsage();
      mainAt = mainThreadMicros();
      commitsAt = commits();
      takeCommitMs();
      reply({ reply: 'started' });
    } else if (m.cmd === 'send') await sendAll(client as TacetClient, m);
    else if (m.cmd === 'expect') await expect(client as TacetClient, m);
    else if (m.cmd === 'stop') {
      const used = process.cpuUsage(cpuAt);
      const main = mainThreadMicros();
      reply({
        reply: 'stopped',
        cpuMicros: used.user + used.system,
        systemMicros: used.system,
        mainMicros: main === null || mainAt === null ? null : main - mainAt,
        commits: commits() - commitsAt,
        commitMs: takeCommitMs(),
      });
    } else if (m.cmd === 'close') {
      await client?.close();
      reply({ reply: 'closed' });
      process.disconnect();
    }
  })().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
});
