/** test/e2e/attachments.test.ts on PostgreSQL + Redis (see with-postgres.ts). */
import { vi } from 'vitest';

vi.mock('../support/harness.js', async (original) =>
  (await import('./with-postgres.js')).withPostgres(await original()),
);
process.env.TACET_TEST_BACKEND = 'postgres';
await import('../e2e/attachments.test.js');
