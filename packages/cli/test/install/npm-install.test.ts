/**
 * Issue 15 item 1: the packed workspaces install with `npm install -g` into an
 * empty prefix, outside any checkout, and the installed `tacet` serves (with
 * the bundled web client) and registers. Nothing of the repository is on the
 * installed program's module path: the prefix lives in the temp directory, so
 * Node's lookup from it never reaches the checkout's node_modules.
 *
 * Slow (npm fetches ~190 packages, from its cache after `npm ci`): it runs as
 * `npm run test:install` (vitest.install.config.ts, .ci/run), not in `npm test`.
 * Needs `npm run build` first (it packs dist/ and packages/web/dist).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrebuiltMirror } from './prebuilt-mirror.js';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '..', '..', '..', '..');
const PACKAGES = ['protocol', 'wire', 'server', 'client', 'cli'];
// Set to exercise the C++ build of better-sqlite3 (python3, make, g++) instead of the mirror.
const FROM_SOURCE = process.env.TACET_INSTALL_FROM_SOURCE === '1';

const dir = mkdtempSync(join(tmpdir(), 'tacet-install-'));
const prefix = join(dir, 'prefix');
const bin = join(prefix, 'bin', 'tacet');
/** npm settings of the surrounding `npm run` (its prefix, its workspace) must not leak in. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm install -g from the packed tarballs', () => {
  let mirror: Awaited<ReturnType<typeof startPrebuiltMirror>> | undefined;

  beforeAll(async () => {
    const packs = join(dir, 'packs');
    mkdirSync(packs);
    for (const p of PACKAGES)
      await run('npm', ['pack', '--silent', '-w', `packages/${p}`, '--pack-destination', packs], {
        cwd: REPO,
        env: cleanEnv,
      });
    const tarballs = (await readdir(packs)).filter((f) => f.endsWith('.tgz')).map((f) => join(packs, f));
    expect(tarballs).toHaveLength(PACKAGES.length);
    mirror = FROM_SOURCE ? undefined : await startPrebuiltMirror(REPO, join(dir, 'mirror'));
    const env = { ...cleanEnv, ...(mirror ? { npm_config_better_sqlite3_binary_host: mirror.host } : {}) };
    await run(
      'npm',
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        ...tarballs,
      ],
      { cwd: dir, env, maxBuffer: 1 << 26 },
    );
  }, 900_000);

  afterAll(() => mirror?.close());

  it('puts tacet in PREFIX/bin, resolved inside the prefix', async () => {
    expect(realpathSync(bin)).toBe(
      join(realpathSync(prefix), 'lib', 'node_modules', '@tacet', 'cli', 'dist', 'bin.js'),
    );
    const { stdout } = await run(bin, ['--help'], { cwd: dir, env: cleanEnv });
    expect(stdout).toMatch(/register/);
    // Apache-2.0 travels with every package; the tarballs hold built code only.
    for (const p of PACKAGES) {
      const installed = join(prefix, 'lib', 'node_modules', '@tacet', p);
      expect(existsSync(join(installed, 'LICENSE')), p).toBe(true);
      expect(existsSync(join(installed, 'src')), p).toBe(false);
    }
  });

  it('runs tacet server (serving the bundled web client) and tacet register from there', async () => {
    const server = spawn(
      bin,
      ['server', '--data', join(dir, 'data'), '--port', '0', '--metrics-port', '0', '--pow-bits', '4'],
      { cwd: dir, env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await listeningUrl(server);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<html/i);
      expect((await fetch(`${url}/asset-manifest.json`)).status).toBe(200);

      const { stdout } = await run(bin, ['--profile', join(dir, 'alice'), 'register', '--server', url], {
        cwd: dir,
        env: { ...cleanEnv, TACET_PASSPHRASE: 'install test', TACET_SCRYPT_LOG_N: '14' },
      });
      const id = stdout.trim().split('\n').at(-1) ?? '';
      expect(id).toMatch(/^[0-9a-z]{27}$/);
      const { stdout: shown } = await run(bin, ['--profile', join(dir, 'alice'), 'id'], {
        cwd: dir,
        env: { ...cleanEnv, TACET_PASSPHRASE: 'install test', TACET_SCRYPT_LOG_N: '14' },
      });
      expect(shown).toContain(id);
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
  }, 60_000);

  it('fetched better-sqlite3 as a prebuilt binary (or built it, with TACET_INSTALL_FROM_SOURCE=1)', () => {
    if (mirror) expect(mirror.served.some((u) => u.endsWith('.tar.gz'))).toBe(true);
  });
});

/** The URL `tacet server` prints once it listens; its stderr if it exits first. */
function listeningUrl(server: ChildProcess): Promise<string> {
  return new Promise((res, rej) => {
    let out = '';
    let err = '';
    server.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (https?:\S+)/.exec(out);
      if (m?.[1]) res(m[1]);
    });
    server.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    server.once('exit', (code) => rej(new Error(`tacet server exited ${code}: ${err}`)));
  });
}
