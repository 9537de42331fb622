/** The tacet server under test, in its own process: durable SQLite (WAL fdatasynced before a send is acked) or PostgreSQL, no PoW cost. */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { startServer } from '@tacet/server';
import { answerLoop, memory, type NodeCommand, reply } from './ipc.js';
import { watchLoop } from './loop-stats.js';
import { BENCH_NODE_OPTIONS } from './node-options.js';

// The orchestrator owns the data directory, so a restarted server finds its accounts again.
const dataDir = process.argv[2] as string;
// Given a PostgreSQL URL (the BENCH_POSTGRES row), store there instead of in SQLite.
const postgresUrl = process.argv[3];
const server = await startServer({
  dataDir,
  ...(postgresUrl ? { postgresUrl } : {}),
  ...BENCH_NODE_OPTIONS,
});
reply({ type: 'listening', url: server.url });
// BENCH_PROFILE_OUT=file: a CPU profile of the throughput phase only (between profile-start and profile-stop).
const session = new Session();
const loop = watchLoop();
process.on('message', async (cmd: NodeCommand) => {
  if (answerLoop(cmd, loop)) return;
  if (cmd.type === 'profile-start' && process.env.BENCH_PROFILE_OUT) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  if (cmd.type === 'profile-stop' && process.env.BENCH_PROFILE_OUT) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(process.env.BENCH_PROFILE_OUT, JSON.stringify(profile));
  }
  if (cmd.type === 'rss') reply({ type: 'rss', ...memory() });
  if (cmd.type === 'close') {
    await server.close();
    process.disconnect();
  }
});
