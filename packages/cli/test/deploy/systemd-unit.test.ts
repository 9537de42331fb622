/**
 * deploy/: the systemd unit passes `systemd-analyze verify` with no warning
 * (an unknown or misspelt directive is only a warning there, so any output
 * fails), rates at most 2.0 on `systemd-analyze security` (0 is locked down,
 * 10 is a unit with no hardening), carries the hardening issue 15 asks for, and the example config it
 * starts with loads. The verify test is skipped only where systemd-analyze is
 * not installed (it is on Debian with systemd).
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/load-settings.js';

const DEPLOY = resolve(import.meta.dirname, '..', '..', '..', '..', 'deploy');
const unit = readFileSync(join(DEPLOY, 'tacet.service'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'tacet-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hasSystemdAnalyze(): boolean {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('deploy/tacet.service', () => {
  it.skipIf(!hasSystemdAnalyze())('passes systemd-analyze verify without a warning', async () => {
    // verify also checks that ExecStart's program exists; this machine has no
    // /usr/local/bin/tacet, so that one path points at a stand-in.
    const stub = join(dir, 'tacet');
    writeFileSync(stub, '#!/bin/sh\n');
    chmodSync(stub, 0o755);
    const copy = join(dir, 'tacet.service');
    writeFileSync(copy, unit.replaceAll('/usr/local/bin/tacet', stub));
    const result = await new Promise<{ code: number; output: string }>((r) =>
      execFile('systemd-analyze', ['verify', copy], (err, stdout, stderr) =>
        r({ code: err ? Number(err.code ?? 1) : 0, output: stdout + stderr }),
      ),
    );
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it.skipIf(!hasSystemdAnalyze())('rates as exposed at most 2.0 by systemd-analyze security', async () => {
    const copy = join(dir, 'rated', 'tacet.service');
    mkdirSync(join(dir, 'rated'), { recursive: true });
    writeFileSync(copy, unit.replaceAll('/usr/local/bin/tacet', '/bin/true'));
    const output = await new Promise<string>((r) =>
      execFile('systemd-analyze', ['security', '--offline=yes', '--no-pager', copy], (_err, stdout, stderr) =>
        r(stdout + stderr),
      ),
    );
    const level = /Overall exposure level for tacet\.service: (\d+(?:\.\d+)?)/.exec(output)?.[1];
    expect(level, output).toBeDefined();
    expect(Number(level)).toBeLessThanOrEqual(2);
  });

  it('runs as a dynamic user confined to its state directory', () => {
    const set = new Map(
      unit
        .split('\n')
        .filter((l) => /^[A-Za-z]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
    );
    for (const [key, value] of Object.entries({
      DynamicUser: 'yes',
      StateDirectory: 'tacet',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      NoNewPrivileges: 'yes',
      PrivateTmp: 'yes',
      PrivateDevices: 'yes',
      CapabilityBoundingSet: '',
      RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX',
      SystemCallArchitectures: 'native',
    }))
      expect([key, set.get(key)]).toEqual([key, value]);
    expect(unit).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
    expect(unit).toMatch(/^Environment=TACET_DATA_DIR=\/var\/lib\/tacet$/m);
  });

  it('starts from an example config that loads', () => {
    const loaded = loadSettings({ flags: {}, env: {}, file: join(DEPLOY, 'tacet.toml') });
    const trust = loaded.find((s) => s.setting.key === 'proxy.trust');
    expect(trust?.source).toBe('file');
  });
});
