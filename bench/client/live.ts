/**
 * Live chat: alice and bob (pair.ts) each in a child process of their own
 * (live-peer.ts), so each one's CPU time is its own; the server runs here.
 * Alice sends at a fixed rate; the window closes when every message is
 * displayed at bob's and its delivery receipt is back at alice's. CPU is
 * reported per message for each side, with the store commits each made, and
 * the send-to-displayed latency at bob's.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { PeerCommand, PeerReply } from './live-peer.js';
import type { BenchPair } from './pair.js';

export interface LiveResult {
  readonly rate: number;
  readonly count: number;
  readonly senderCpuUs: number;
  readonly receiverCpuUs: number;
  /** Of the CPU time, what the kernel spent (writes, fsync, sockets). */
  readonly senderSystemUs: number;
  readonly receiverSystemUs: number;
  /**
   * Of the CPU time, the main thread's (null: not measurable here); the rest
   * ran on other threads: V8's platform workers (concurrent compilation and
   * GC), which node --single-threaded folds into the main thread.
   */
  readonly senderMainUs: number | null;
  readonly receiverMainUs: number | null;
  readonly senderCommits: number;
  readonly receiverCommits: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** How late the sender began its last send against the rate's schedule: > 0 means it could not keep up. */
  readonly senderBehindMs: number;
  /** Wall time of one durable commit (p50, p99, max) on each side, and the share of the window spent in them. */
  readonly senderCommitMs: CommitTimes;
  readonly receiverCommitMs: CommitTimes;
}

export interface CommitTimes {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Of the run's wall time, the part spent in commits (0..1). */
  readonly share: number;
}

function commitTimes(ms: number[], windowMs: number): CommitTimes {
  const sorted = [...ms].sort((x, y) => x - y);
  const total = ms.reduce((a, b) => a + b, 0);
  return { p50: pct(sorted, 50), p99: pct(sorted, 99), max: sorted.at(-1) ?? 0, share: total / windowMs };
}

class Peer {
  readonly #child: ChildProcess;
  readonly #replies: PeerReply[] = [];
  #wake: (() => void) | null = null;

  constructor() {
    this.#child = fork(join(import.meta.dirname, 'live-peer.ts'), [], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (r: PeerReply) => {
      this.#replies.push(r);
      this.#wake?.();
    });
  }

  async ask<K extends PeerReply['reply']>(
    cmd: PeerCommand,
    want: K,
  ): Promise<Extract<PeerReply, { reply: K }>> {
    this.#child.send(cmd);
    for (;;) {
      const i = this.#replies.findIndex((r) => r.reply === want);
      if (i >= 0) return this.#replies.splice(i, 1)[0] as Extract<PeerReply, { reply: K }>;
      await new Promise<void>((r) => {
        this.#wake = r;
      });
    }
  }

  exited(): Promise<void> {
    return new Promise((r) => (this.#child.exitCode !== null ? r() : this.#child.once('exit', () => r())));
  }
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

export async function livePeers(pair: BenchPair) {
  const alice = new Peer();
  const bob = new Peer();
  await Promise.all([
    alice.ask({ cmd: 'open', dir: pair.alice.dir }, 'ready'),
    bob.ask({ cmd: 'open', dir: pair.bob.dir }, 'ready'),
  ]);

  /** One run: `count` messages at `rate` per second. */
  async function run(rate: number, count: number, tag: string): Promise<LiveResult> {
    await Promise.all([alice.ask({ cmd: 'start' }, 'started'), bob.ask({ cmd: 'start' }, 'started')]);
    const t0 = performance.now();
    const received = bob.ask({ cmd: 'expect', count, tag }, 'received');
    const { behindMs } = await alice.ask({ cmd: 'send', peer: 'bob', rate, count, tag }, 'sent');
    const { latenciesMs } = await received;
    const [a, b] = await Promise.all([
      alice.ask({ cmd: 'stop' }, 'stopped'),
      bob.ask({ cmd: 'stop' }, 'stopped'),
    ]);
    const windowMs = performance.now() - t0;
    const sorted = latenciesMs.sort((x, y) => x - y);
    return {
      rate,
      count,
      senderCpuUs: a.cpuMicros / count,
      receiverCpuUs: b.cpuMicros / count,
      senderSystemUs: a.systemMicros / count,
      receiverSystemUs: b.systemMicros / count,
      senderMainUs: a.mainMicros === null ? null : a.mainMicros / count,
      receiverMainUs: b.mainMicros === null ? null : b.mainMicros / count,
      senderCommits: a.commits / count,
      receiverCommits: b.commits / count,
      p50Ms: pct(sorted, 50),
      p99Ms: pct(sorted, 99),
      senderBehindMs: behindMs,
      senderCommitMs: commitTimes(a.commitMs, windowMs),
      receiverCommitMs: commitTimes(b.commitMs, windowMs),
    };
  }

  /** CPU per second of each side, connected and idle for `ms`: what the rows above include at any rate. */
  async function idle(ms: number): Promise<{ senderUsPerS: number; receiverUsPerS: number }> {
    await Promise.all([alice.ask({ cmd: 'start' }, 'started'), bob.ask({ cmd: 'start' }, 'started')]);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, ms));
    const [a, b] = await Promise.all([
      alice.ask({ cmd: 'stop' }, 'stopped'),
      bob.ask({ cmd: 'stop' }, 'stopped'),
    ]);
    const s = (performance.now() - t0) / 1000;
    return { senderUsPerS: a.cpuMicros / s, receiverUsPerS: b.cpuMicros / s };
  }

  async function close(): Promise<void> {
    await Promise.all([alice.ask({ cmd: 'close' }, 'closed'), bob.ask({ cmd: 'close' }, 'closed')]);
    await Promise.all([alice.exited(), bob.exited()]);
  }

  return { run, idle, close };
}
