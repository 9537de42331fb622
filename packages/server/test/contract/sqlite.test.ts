import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openSqliteStorage } from '../../src/storage/sqlite/index.js';
import { describeStorageContracts } from './all-contracts.js';

/** Whether any file under `dir` holds `needle`. */
function filesContain(dir: string, needle: Uint8Array): boolean {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .some((e) => readFileSync(join(e.parentPath, e.name)).includes(Buffer.from(needle)));
}

describeStorageContracts('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tacet-contract-'));
  const storage = await openSqliteStorage(dir);
  return {
    storage,
    scanStore: (needle) => filesContain(dir, needle),
    async cleanup() {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

it('sqlite: concurrent writes share commits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tacet-contract-'));
  const storage = await openSqliteStorage(dir);
  const batches: number[] = [];
  storage.onCommit = (n) => batches.push(n);
  const ids = Array.from({ length: 100 }, () => new Uint8Array(16).map(() => (Math.random() * 256) | 0));
  await Promise.all(
    ids.map((accountId) =>
      storage.accounts.createAccount({
        accountId,
        credentialHash: accountId,
        registrationId: 1,
        createdAt: 0,
      }),
    ),
  );
  expect(batches.reduce((x, y) => x + y, 0)).toBe(100);
  expect(batches.length).toBeLessThan(5);
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});
