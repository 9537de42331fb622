/**
 * `npm run bench:client`: how fast a client works through a backlog on
 * reconnect (issue 4, deliverable 6). A real server holds 10,000 queued
 * messages for an offline device; we time the client from connect until all
 * are decrypted, stored (encrypted at rest, one transaction each), acked and
 * answered with delivery receipts. Beside it, in the same run: the bare
 * protocol decrypt rate (in-memory stores, no I/O). The ratio shows what
 * storage and delivery cost. `--count N` changes the backlog size.
 *
 * Runs the TypeScript sources: re-runs itself with the "source" condition.
 */

import { rerunWithSource } from './rerun-with-source.js';

if (!rerunWithSource(import.meta.url)) await main();

async function main(): Promise<void> {
  const i = process.argv.indexOf('--count');
  const count = i > 0 ? Number(process.argv[i + 1]) : 10_000;
  const { bareDecryptRate } = await import('./client/bare-decrypt.js');
  const { backlogRate } = await import('./client/backlog.js');
  console.log(`client backlog benchmark: ${count} messages; node ${process.version}`);
  const bareBefore = await bareDecryptRate(count);
  const client = await backlogRate(count);
  // Measured on both sides of the client run: on a shared machine the spread shows the noise.
  const bareAfter = await bareDecryptRate(count);
  const bare = (bareBefore + bareAfter) / 2;
  console.log(
    `bare protocol decrypt (in-memory stores):   ${bare.toFixed(0)} msgs/s` +
      ` (before ${bareBefore.toFixed(0)}, after ${bareAfter.toFixed(0)})`,
  );
  console.log(
    `client backlog on reconnect (store + acks): ${client.rate.toFixed(0)} msgs/s` +
      ` (${(client.ms / 1000).toFixed(1)} s for ${count}; queue filled in ${(client.fillMs / 1000).toFixed(1)} s)`,
  );
  console.log(`ratio client / bare protocol: ${(client.rate / bare).toFixed(3)}`);
}
