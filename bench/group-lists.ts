/**
 * `npm run bench:group-lists`: what holding a group upload to the members'
 * signed device lists (`all=1`, server/src/devices/missing-devices.ts) adds
 * on the server. For 10, 100 and 1,000 member accounts, each with a stored
 * signed list of two devices, on real SQLite storage: the check
 * (accountsLeftIncomplete over every copy) against the commit the upload
 * costs anyway (enqueueEach of the same copies), in the same run. Best of
 * `--rounds` rounds (default 5): the machine is shared.
 */
import { rerunWithSource } from './rerun-with-source.js';

if (!rerunWithSource(import.meta.url)) await main();

async function main(): Promise<void> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { randomBytes } = await import('node:crypto');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { IdentityKeyPair, SignedDeviceList } = await import('../packages/protocol/src/index.js');
  const { openSqliteStorage } = await import('../packages/server/src/storage/sqlite/index.js');
  const { accountsLeftIncomplete } = await import('../packages/server/src/devices/missing-devices.js');

  const arg = process.argv.indexOf('--rounds');
  const rounds = arg > 0 ? Number(process.argv[arg + 1]) : 5;
  const sizes = [10, 100, 1000];
  const now = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'tacet-bench-group-lists-'));
  const storage = await openSqliteStorage(dir);
  const key = IdentityKeyPair.generate();
  const accounts: Uint8Array[] = [];
  for (let i = 0; i < Math.max(...sizes); i++) {
    const accountId = new Uint8Array(randomBytes(16));
    await storage.accounts.createAccount({
      accountId,
      credentialHash: new Uint8Array(16),
      registrationId: 1,
      createdAt: now,
    });
    const devices = [1, 2].map((deviceId) => ({ deviceId, registrationId: deviceId }));
    const list = SignedDeviceList.sign({ accountId, version: 1, devices }, key.privateKey);
    await storage.deviceLists.putDeviceList(accountId, 1, list.serialize());
    accounts.push(accountId);
  }
  const sender = { accountId: new Uint8Array(16), deviceId: 1 };
  const content = new Uint8Array(randomBytes(400));
  console.log(
    `group upload held to signed lists: ${sizes.join(', ')} accounts × 2 devices; node ${process.version}`,
  );
  console.log('accounts  commit ms (baseline)  list check ms  check/commit');
  for (const n of sizes) {
    const copies = accounts
      .slice(0, n)
      .flatMap((accountId) => [1, 2].map((deviceId) => ({ accountId, deviceId, content })));
    let commit = Number.POSITIVE_INFINITY;
    let check = Number.POSITIVE_INFINITY;
    for (let r = 0; r < rounds; r++) {
      let t = performance.now();
      await storage.queue.enqueueEach(
        { id: new Uint8Array(randomBytes(16)), serverTimestamp: now, expiresAt: now + 3600_000, copies },
        1_000_000,
      );
      commit = Math.min(commit, performance.now() - t);
      t = performance.now();
      const missing = await accountsLeftIncomplete(storage.deviceLists, copies, sender);
      check = Math.min(check, performance.now() - t);
      if (missing.length !== 0) throw new Error('every listed device was addressed');
    }
    console.log(
      `${String(n).padStart(8)}  ${commit.toFixed(2).padStart(20)}  ${check.toFixed(2).padStart(13)}  ${(check / commit).toFixed(2).padStart(12)}`,
    );
  }
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}
