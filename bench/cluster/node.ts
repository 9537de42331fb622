/**
 * One tacet node for the cluster benchmark, in its own process. Its config
 * comes as JSON in argv[2]: no URLs -> embedded SQLite (durable, WAL sync);
 * `postgresUrl` -> PostgreSQL; `redisUrl` -> Redis fan-out. Same knobs as
 * the server benchmark's node otherwise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@tacet/server';
import { memory, type NodeCommand, reply } from '../server/ipc.js';
import { BENCH_NODE_OPTIONS } from '../server/node-options.js';

const config = JSON.parse(process.argv[2] ?? '{}') as {
  postgresUrl?: string;
  redisUrl?: string;
  redisPrefix?: string;
};
const dataDir = mkdtempSync(join(tmpdir(), 'tacet-bench-cluster-'));
const server = await startServer({
  ...config,
  dataDir,
  ...BENCH_NODE_OPTIONS,
});
reply({ type: 'listening', url: server.url });
process.on('message', async (cmd: NodeCommand | { type: 'metrics' }) => {
  if (cmd.type === 'rss') reply({ type: 'rss', ...memory() });
  if (cmd.type === 'close') {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.disconnect();
  }
});
