/** `tacet devices` lists the account's signed device list with the current device marked. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTacetServer, tacet } from './support/run.js';

const root = mkdtempSync(join(tmpdir(), 'tacet-cli-devices-'));
let server: Awaited<ReturnType<typeof startTacetServer>>;

beforeAll(async () => {
  server = await startTacetServer(join(root, 'server'));
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

it('a new account lists its one device, marked as this one', { timeout: 60_000 }, async () => {
  const profile = join(root, 'alice');
  const r = await tacet(['--profile', profile, 'register', '--server', server.url]);
  expect(r.code, r.stderr).toBe(0);
  const d = await tacet(['--profile', profile, 'devices']);
  expect(d.code, d.stderr).toBe(0);
  expect(d.stdout).toBe('1  (this device)\n');
});
