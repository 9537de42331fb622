/**
 * `npm run soak:keys [seconds]`: generates X25519 key pairs for minutes (default 180 s)
 * in a child process under the watchdog; exits 1 if it ever stalls for 30 s.
 * `--legacy` runs the pre-fix generator, which freezes on Node 20.
 */
import { runKeygenLoop } from '../support/keygen-watchdog.js';

const seconds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? '180');
const legacy = process.argv.includes('--legacy');
const run = await runKeygenLoop({
  count: 0,
  durationMs: seconds * 1000,
  stallMs: 30_000,
  legacy,
  onProgress: (keys, ms) => {
    if (keys % 100_000 === 0) console.log(`${keys} keys, ${(keys / (ms / 1000)).toFixed(0)} keys/s`);
  },
});
console.log(`${run.outcome}: ${run.keys} keys in ${(run.ms / 1000).toFixed(1)} s (node ${process.version})`);
if (run.outcome !== 'done') {
  console.error(run.stderr);
  process.exitCode = 1;
}
