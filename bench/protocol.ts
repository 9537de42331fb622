/**
 * `npm run bench`: tacet's protocol core against libsignal 0.72.1 in one
 * process (issue 2, deliverable 4). Prints sessions/s, 140-byte messages/s
 * (one direction, alternating) and sender-key messages/s, each with the
 * ratio tacet / libsignal and the goal it is held to.
 *
 * The benchmark measures the TypeScript sources, so it re-runs itself with
 * the "source" export condition when started without it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

if (!process.execArgv.some((a) => a.includes('conditions=source'))) {
  const args = [
    '--conditions=source',
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    ...process.argv.slice(2),
  ];
  process.exitCode = spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1;
} else {
  await main();
}

async function main(): Promise<void> {
  const { compare } = await import('./protocol/measure.js');
  const s = await import('./protocol/sessions.js');
  const { primitives } = await import('../packages/protocol/src/index.js');
  const quick = process.argv.includes('--quick');
  const timing = { durationMs: quick ? 1000 : 4000 };
  console.log(`tacet backend: ${primitives.name}; node ${process.version}; ${quick ? 'quick' : 'full'} run`);
  const rows: Array<[string, number, number, number]> = [];
  const run = async (
    label: string,
    goal: number,
    tacet: () => Promise<() => Promise<unknown>>,
    lib: () => Promise<() => Promise<unknown>>,
  ) => {
    const r = await compare({ tacet: await tacet(), libsignal: await lib() }, timing);
    rows.push([label, r.tacet, r.libsignal, goal]);
    console.log(
      `${label.padEnd(36)} tacet ${r.tacet.toFixed(0).padStart(7)}/s  libsignal ${r.libsignal.toFixed(0).padStart(7)}/s  ratio ${(r.tacet / r.libsignal).toFixed(2)}x (goal ≥ ${goal}x)`,
    );
  };
  await run('(a) sessions (bundle->msg->decrypt)', 0.5, s.tacetSessionSetup, s.libsignalSessionSetup);
  await run(
    '(b) 140 B messages, one direction',
    3,
    () => s.tacetMessages(false),
    () => s.libsignalMessages(false),
  );
  await run(
    '(b) 140 B messages, alternating',
    1,
    () => s.tacetMessages(true),
    () => s.libsignalMessages(true),
  );
  const senderKeys = fileURLToPath(new URL('./protocol/sender-keys.ts', import.meta.url));
  if (existsSync(senderKeys)) {
    const { benchSenderKeys } = await import('./protocol/sender-keys.js');
    const r = await benchSenderKeys({ durationMs: timing.durationMs / 3, rounds: 3 });
    rows.push(['(c) sender-key messages', r.tacet, r.libsignal, 1]);
    console.log(
      `${'(c) sender-key messages'.padEnd(36)} tacet ${r.tacet.toFixed(0).padStart(7)}/s  libsignal ${r.libsignal.toFixed(0).padStart(7)}/s  ratio ${(r.tacet / r.libsignal).toFixed(2)}x (goal ≥ 1x)`,
    );
  } else {
    console.log(
      `${'(c) sender-key messages'.padEnd(36)} pending (bench/protocol/sender-keys.ts not present)`,
    );
  }
  const missed = rows.filter(([, t, l, goal]) => t / l < goal).map(([label]) => label.trim());
  console.log(missed.length === 0 ? 'all goals met' : `below goal: ${missed.join('; ')}`);
}
