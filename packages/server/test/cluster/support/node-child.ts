/**
 * One cluster node in its own process: `node --conditions=source --import
 * tsx node-child.ts '<json config>'` starts a server on PostgreSQL + Redis,
 * prints `{"url": ...}` once listening, and runs until killed (SIGTERM
 * closes it gracefully; kill -9 is what the fault tests do).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../../src/index.js';

interface NodeConfig {
  postgresUrl: string;
  redisUrl: string;
  redisPrefix: string;
  /** Shared by the nodes of a cluster, so a challenge from one is accepted by another. */
  powSecretHex?: string;
  port?: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as NodeConfig;
const { powSecretHex, ...rest } = config;
const server = await startServer({
  ...rest,
  ...(powSecretHex ? { powSecret: Buffer.from(powSecretHex, 'hex') } : {}),
  // Unused with PostgreSQL, but the server wants one.
  dataDir: mkdtempSync(join(tmpdir(), 'tacet-node-')),
  port: config.port ?? 0,
  powBits: 0,
  registrationLimit: { burst: 100_000, perHour: 100_000 },
  challengeLimit: { burst: 100_000, perHour: 100_000 },
  logLevel: process.env.TACET_NODE_LOG ? 'debug' : 'error',
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.on('SIGTERM', () => {
  void server.close();
});
