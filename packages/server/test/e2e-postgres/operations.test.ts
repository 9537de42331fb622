/** test/e2e/operations.test.ts on PostgreSQL + Redis (see with-postgres.ts). */
import { vi } from 'vitest';

vi.mock('../support/harness.js', async (original) =>
  (await import('./with-postgres.js')).withPostgres(await original()),
);
await import('../e2e/operations.test.js');
