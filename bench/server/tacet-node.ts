/** The tacet server under test, in its own process: durable SQLite (synchronous=FULL), no PoW cost. */
import { startServer } from '@tacet/server';
import { memory, type NodeCommand, reply } from './ipc.js';

// The orchestrator owns the data directory, so a restarted server finds its accounts again.
const dataDir = process.argv[2] as string;
const server = await startServer({
  dataDir,
  port: 0,
  powBits: 0,
  registrationLimit: { burst: 1e9, perHour: 1e9 },
  challengeLimit: { burst: 1e9, perHour: 1e9 },
  maxQueueLength: 1_000_000,
  logLevel: 'warn',
});
reply({ type: 'listening', url: server.url });
process.on('message', async (cmd: NodeCommand) => {
  if (cmd.type === 'rss') reply({ type: 'rss', ...memory() });
  if (cmd.type === 'close') {
    await server.close();
    process.disconnect();
  }
});
