/**
 * The operator's commands against a real `tacet server`: `tacet admin
 * stats` and `delete-account`, and `tacet server backup` while it runs,
 * `restore` refused under a running server and accepted after it stops;
 * the queued message survives the round trip.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTacetServer, tacet } from './support/run.js';

const root = mkdtempSync(join(tmpdir(), 'tacet-admin-'));
const data = join(root, 'server');
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function ok(args: string[]): Promise<string> {
  const r = await tacet(args);
  expect(r.code, `tacet ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

const stats = async () => JSON.parse(await ok(['admin', '--data', data, 'stats', '--json']));

describe('tacet admin and server backup/restore', { timeout: 120_000 }, () => {
  it('counts, backs up while serving, restores when stopped, deletes an account', async () => {
    let server = await startTacetServer(data);
    const ids: Record<string, string> = {};
    for (const name of ['alice', 'bob']) {
      const out = await ok(['--profile', join(root, name), 'register', '--server', server.url]);
      ids[name] = out.trim().split('\n').pop() as string;
    }
    await ok(['--profile', join(root, 'alice'), 'add', ids.bob as string, 'bob']);
    await ok(['--profile', join(root, 'alice'), 'send', 'bob', 'kept through a restore']);
    expect(await stats()).toMatchObject({ accounts: 2, devices: 2, queuedEnvelopes: 1 });

    const backup = join(root, 'backup.sqlite');
    await ok(['server', 'backup', '--data', data, '--out', backup]);
    expect(statSync(backup).mode & 0o077).toBe(0);
    const refused = await tacet(['server', 'restore', backup, '--data', data]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is using .*stop it, then restore/);

    await server.stop();
    rmSync(data, { recursive: true, force: true });
    await ok(['server', 'restore', backup, '--data', data]);
    // Same port: the profiles remember the server's URL.
    server = await startTacetServer(data, ['--port', new URL(server.url).port]);
    try {
      await ok(['--profile', join(root, 'bob'), 'add', ids.alice as string, 'alice']);
      const got = await ok(['--profile', join(root, 'bob'), 'receive', '--wait', '10', '--json']);
      expect(got).toContain('kept through a restore');

      await ok(['admin', '--data', data, 'delete-account', ids.alice as string]);
      expect(await stats()).toMatchObject({ accounts: 1 });
      const again = await tacet(['admin', '--data', data, 'delete-account', ids.alice as string]);
      expect([again.code, again.stderr]).toEqual([1, 'tacet: no such account on this server\n']);
      const bad = await tacet(['admin', '--data', data, 'delete-account', 'nonsense']);
      expect(bad.code).toBe(2);
    } finally {
      await server.stop();
    }
  });
});
