/** test/e2e/device-list.test.ts on PostgreSQL + Redis (see with-postgres.ts). */
import { vi } from 'vitest';

vi.mock('../support/harness.js', async (original) =>
  (await import('./with-postgres.js')).withPostgres(await original()),
);
// Lets a suite skip what only holds on SQLite files (e.g. the byte scan after an ack).
process.env.TACET_TEST_BACKEND = 'postgres';
await import('../e2e/device-list.test.js');
