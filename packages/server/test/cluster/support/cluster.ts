/**
 * A test cluster: N server processes sharing one fresh PostgreSQL database
 * and one Redis prefix, started together (so their migrations race, as in a
 * real rollout). Stopping it ends every node and drops the database.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  createTempPostgresDatabase,
  postgresAdminUrl,
  redisUrl,
  type TempPostgresDatabase,
  tempRedisPrefix,
} from '@tacet/testkit';
import { type ChildServer, spawnListening } from '../../support/spawn-listening.js';

const SCRIPT = fileURLToPath(new URL('./node-child.ts', import.meta.url));

/** One node process of a test cluster. */
export type ClusterNode = ChildServer;

export interface Cluster {
  nodes: ClusterNode[];
  db: TempPostgresDatabase;
  redisPrefix: string;
  urls(): string[];
  /** Sends SIGKILL to node `i` and waits for it to be gone. */
  kill(i: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts one node process with `config` (see node-child.ts); resolves once it listens. */
export function spawnNode(config: object): Promise<ClusterNode> {
  return spawnListening(SCRIPT, JSON.stringify(config), 'cluster node');
}

/** Where a cluster's PostgreSQL and Redis are; by default the machine's (see docs/testing.md). */
export interface ClusterServices {
  /** Maintenance database URL of the PostgreSQL server to create the cluster's database on. */
  postgresAdminUrl: string;
  redisUrl: string;
}

const machineServices = (): ClusterServices => ({
  postgresAdminUrl: postgresAdminUrl(),
  redisUrl: redisUrl(),
});

/** Starts `n` nodes on random ports. */
export async function startCluster(n: number, services = machineServices()): Promise<Cluster> {
  const db = await createTempPostgresDatabase(services.postgresAdminUrl);
  const redisPrefix = tempRedisPrefix();
  const powSecretHex = randomBytes(32).toString('hex');
  const config = { postgresUrl: db.url, redisUrl: services.redisUrl, redisPrefix, powSecretHex };
  const started = await Promise.allSettled(Array.from({ length: n }, () => spawnNode(config)));
  const nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => {
    for (const node of nodes) if (node.child.exitCode === null) node.child.kill('SIGKILL');
    await Promise.all(nodes.map((node) => node.exited));
    await db.drop();
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stop();
    throw (failed as PromiseRejectedResult).reason;
  }
  return {
    nodes,
    db,
    redisPrefix,
    urls: () => nodes.map((node) => node.url),
    async kill(i) {
      const node = nodes[i] as ClusterNode;
      node.child.kill('SIGKILL');
      await node.exited;
    },
    stop,
  };
}
