/**
 * `tacet link` on a new profile and `tacet devices link CODE` on an existing
 * one, each person typing the comparison code the other device shows (over
 * pipes, as a script would); a mistyped comparison code links nothing; and
 * `tacet devices remove N` unlinks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { linkCode, start } from './support/piped.js';
import { startTacetServer, tacet } from './support/run.js';

const root = mkdtempSync(join(tmpdir(), 'tacet-cli-link-'));
let server: Awaited<ReturnType<typeof startTacetServer>>;
let aliceId = '';
const alice = join(root, 'alice');

beforeAll(async () => {
  server = await startTacetServer(join(root, 'server'));
  const r = await tacet(['--profile', alice, 'register', '--server', server.url]);
  expect(r.code, r.stderr).toBe(0);
  aliceId = r.stdout.trim();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

it('links a second device after both comparison codes are typed, then unlinks it', {
  timeout: 90_000,
}, async () => {
  const laptop = join(root, 'laptop');
  const newDevice = start(['--profile', laptop, 'link', '--server', server.url]);
  const existing = start(['--profile', alice, 'devices', 'link', await linkCode(newDevice)]);
  const shownOnExisting = await existing.comparison();
  const shownOnNew = await newDevice.comparison();
  expect(shownOnNew).toBe(shownOnExisting);
  existing.type(`${shownOnNew}\n`);
  newDevice.type(`${shownOnExisting}\n`);
  expect(await existing.exited, existing.stderr).toBe(0);
  expect(await newDevice.exited, newDevice.stderr).toBe(0);
  expect(existing.stdout).toBe('2\n');
  expect(newDevice.stdout.trim().split('\n').at(-1)).toBe(aliceId);

  const there = await tacet(['--profile', laptop, 'devices']);
  expect(there.stdout, there.stderr).toBe('1\n2  (this device)\n');
  const removed = await tacet(['--profile', alice, 'devices', 'remove', '2']);
  expect(removed.code, removed.stderr).toBe(0);
  expect((await tacet(['--profile', alice, 'devices'])).stdout).toBe('1  (this device)\n');
  const gone = await tacet(['--profile', laptop, 'receive']);
  expect(gone.code).not.toBe(0);
});

it('links nothing when a typed comparison code differs', { timeout: 150_000 }, async () => {
  const phone = join(root, 'phone');
  const newDevice = start(['--profile', phone, 'link', '--server', server.url]);
  const existing = start(['--profile', alice, 'devices', 'link', await linkCode(newDevice)]);
  const shown = await existing.comparison();
  const wrong = `${(Number(shown[0]) + 1) % 10}${shown.slice(1)}`;
  existing.type(`${wrong}\n`);
  expect(await existing.exited).toBe(2);
  expect(existing.stderr).toContain('the comparison codes differ');
  newDevice.type(`${wrong}\n`);
  expect(await newDevice.exited).toBe(2);
  expect((await tacet(['--profile', alice, 'devices'])).stdout).toBe('1  (this device)\n');
});
