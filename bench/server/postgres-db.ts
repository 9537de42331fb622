/**
 * A scratch PostgreSQL database for the benchmark's PostgreSQL row, held by
 * its own process (the orchestrator runs without the "source" condition, so
 * it cannot load @tacet/testkit itself): replies `{type: 'database', url}`
 * once created, and drops it on `close`.
 */
import { createTempPostgresDatabase } from '@tacet/testkit';
import { type NodeCommand, reply } from './ipc.js';

const db = await createTempPostgresDatabase();
reply({ type: 'database', url: db.url });
process.on('message', async (cmd: NodeCommand) => {
  if (cmd.type !== 'close') return;
  await db.drop();
  process.disconnect();
});
