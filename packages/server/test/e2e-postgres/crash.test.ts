/** test/e2e/crash.test.ts on PostgreSQL + Redis (see with-postgres.ts). */
import { vi } from 'vitest';

vi.mock('../support/child-process.js', async (original) =>
  (await import('./with-postgres.js')).withPostgresChildren(await original()),
);
await import('../e2e/crash.test.js');
