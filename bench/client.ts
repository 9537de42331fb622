/**
 * `npm run bench:client`: what a client costs, each figure beside a baseline
 * measured in the same run (issue 10, item 4).
 *
 * - Backlog: a real server holds N queued messages for an offline device;
 *   the client is timed from connect until all are decrypted, stored
 *   (encrypted at rest), acked and answered with receipts. Baseline: bare
 *   ratchet decrypt + sealed-sender unseal (the crypto no client can skip),
 *   measured before and after. Goal: >= 0.35 of it.
 * - Live: sender and receiver in processes of their own, 20 and 100 msg/s:
 *   CPU per sent and per received message (goal <= 1.5 ms each at 20 msg/s),
 *   store commits per message, and send-to-displayed p50/p99 (goal p99 <= 25 ms
 *   at 100 msg/s), with the wall time of one durable commit on each side (a
 *   message shows only once its commit is on disk: the floor of that latency). Baseline: the bare crypto's cost per message (as above),
 *   measured right before and after each row, so a loaded machine shows in both.
 *
 * Flags: --count N (backlog size, default 10000), --live-count N (messages
 * per live run at 20 msg/s, default 200; 100 msg/s runs 2.5 times as many),
 * --only backlog|live. Runs the TypeScript sources: re-runs itself with the
 * "source" condition. --cpu-prof [DIR] profiles every process (see below).
 */

import type { CommitTimes } from './client/live.js';
import { rerunWithSource } from './rerun-with-source.js';

if (!rerunWithSource(import.meta.url, profileFlags())) await main();

/**
 * `--cpu-prof [DIR]` is a flag of this script, not of node: it becomes node's
 * own --cpu-prof for the re-run, which the live peers inherit (they are
 * forked with its execArgv), so each process writes its profile into DIR
 * (default bench-profiles/) when it exits; each peer prints which file is its.
 */
function profileFlags(): string[] {
  const i = process.argv.indexOf('--cpu-prof');
  if (i < 0) return [];
  const next = process.argv[i + 1];
  const dir = next && !next.startsWith('--') ? next : 'bench-profiles';
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const count = Number(flag('--count') ?? 10_000);
  const liveCount = Number(flag('--live-count') ?? 200);
  const only = flag('--only');
  const { bareDecryptRate } = await import('./client/bare-decrypt.js');
  const { backlogRate } = await import('./client/backlog.js');
  const { startPair } = await import('./client/pair.js');
  const { livePeers } = await import('./client/live.js');
  console.log(`client benchmark: backlog ${count}, live ${liveCount}; node ${process.version}`);
  if (only !== 'live') {
    const bareBefore = await bareDecryptRate(Math.min(count, 5000));
    const client = await backlogRate(count);
    // Measured on both sides of the client run: on a shared machine the spread shows the noise.
    const bareAfter = await bareDecryptRate(Math.min(count, 5000));
    const bare = (bareBefore + bareAfter) / 2;
    console.log(
      `bare ratchet decrypt + sealed-sender unseal: ${bare.toFixed(0)} msgs/s` +
        ` (before ${bareBefore.toFixed(0)}, after ${bareAfter.toFixed(0)})`,
    );
    console.log(
      `client backlog on reconnect (store + acks + receipts): ${client.rate.toFixed(0)} msgs/s` +
        ` (${(client.ms / 1000).toFixed(1)} s for ${count}; queue filled in ${(client.fillMs / 1000).toFixed(1)} s)`,
    );
    console.log(`ratio client / bare: ${(client.rate / bare).toFixed(3)} (goal >= 0.35)`);
  }
  if (only === 'backlog') return;
  const pair = await startPair(10_000);
  try {
    const peers = await livePeers(pair);
    await peers.run(20, 40, 'warm-up');
    console.log('live (sender and receiver each in a process of its own)');
    const still = await peers.idle(3000);
    console.log(
      `  connected, no traffic: sender ${(still.senderUsPerS / 1000).toFixed(1)} ms CPU per second,` +
        ` receiver ${(still.receiverUsPerS / 1000).toFixed(1)} ms`,
    );
    for (const [rate, n] of [
      [20, liveCount],
      [100, Math.round(liveCount * 2.5)],
    ] as const) {
      // The bare crypto's cost per message, measured right before and after this row: the same load.
      const before = await bareDecryptRate(2000);
      const r = await peers.run(rate, n, `run-${rate}`);
      const after = await bareDecryptRate(2000);
      const bareUs = 1e6 / ((before + after) / 2);
      console.log(
        `  ${rate} msg/s x ${n}: bare crypto ${bareUs.toFixed(0)} µs per message` +
          ` (before ${(1e6 / before).toFixed(0)}, after ${(1e6 / after).toFixed(0)});` +
          ` CPU per message sender ${r.senderCpuUs.toFixed(0)} µs` +
          ` (kernel ${r.senderSystemUs.toFixed(0)}, ${(r.senderCpuUs / bareUs).toFixed(1)}x bare),` +
          ` receiver ${r.receiverCpuUs.toFixed(0)} µs (kernel ${r.receiverSystemUs.toFixed(0)},` +
          ` ${(r.receiverCpuUs / bareUs).toFixed(1)}x bare)` +
          (rate === 20 ? ' (goal <= 1500 each)' : '') +
          `; commits per message sender ${r.senderCommits.toFixed(2)}, receiver ${r.receiverCommits.toFixed(2)};` +
          ` send->displayed p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms` +
          (rate === 100 ? ' (goal p99 <= 25)' : ''),
      );
      if (r.senderMainUs !== null && r.receiverMainUs !== null)
        console.log(
          `    of that CPU, the main thread: sender ${r.senderMainUs.toFixed(0)} µs,` +
            ` receiver ${r.receiverMainUs.toFixed(0)} µs; other threads (V8's background JIT and GC)` +
            ` sender ${(r.senderCpuUs - r.senderMainUs).toFixed(0)} µs, receiver ${(r.receiverCpuUs - r.receiverMainUs).toFixed(0)} µs`,
        );
      // The floor under that latency: a message is shown only after its commit is durable (fsync).
      const c = (t: CommitTimes) =>
        `p50 ${t.p50.toFixed(1)}, p99 ${t.p99.toFixed(1)}, max ${t.max.toFixed(0)} ms` +
        ` (${(t.share * 100).toFixed(0)}% of the run)`;
      console.log(
        `    one durable commit's wall time: sender ${c(r.senderCommitMs)}; receiver ${c(r.receiverCommitMs)};` +
          ` the sender's last send began ${r.senderBehindMs.toFixed(0)} ms behind schedule`,
      );
    }
    await peers.close();
  } finally {
    await pair.close();
  }
}
