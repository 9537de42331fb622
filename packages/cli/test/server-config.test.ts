/**
 * `tacet server` configuration: one schema, flags > environment > file >
 * defaults, errors that name the key and what is allowed, --print-config
 * without secrets, and every key documented in docs/operations.md.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSettings, toServerConfig } from '../src/config/load-settings.js';
import { printSettings } from '../src/config/print-settings.js';
import { SERVER_SETTINGS } from '../src/config/server-settings.js';
import { tacet } from './support/run.js';

const dir = mkdtempSync(join(tmpdir(), 'tacet-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const settingOf = (loaded: ReturnType<typeof loadSettings>, key: string) =>
  loaded.find((l) => l.setting.key === key);

describe('server configuration', () => {
  it('takes flags over environment over file over defaults', () => {
    const f = file(
      'layers.toml',
      '[limits]\npow_bits = 10\nmax_queue_length = 50\n[listen]\nport = 9001\n[log]\nlevel = "warn"\n',
    );
    const loaded = loadSettings({
      flags: { powBits: '12' },
      env: { TACET_POW_BITS: '11', TACET_MAX_QUEUE_LENGTH: '60' },
      file: f,
    });
    expect(settingOf(loaded, 'limits.pow_bits')).toMatchObject({ value: 12, source: 'flag' });
    expect(settingOf(loaded, 'limits.max_queue_length')).toMatchObject({ value: 60, source: 'environment' });
    expect(settingOf(loaded, 'listen.port')).toMatchObject({ value: 9001, source: 'file' });
    expect(settingOf(loaded, 'limits.max_retention_seconds')).toMatchObject({
      value: 604800,
      source: 'default',
    });
    const config = toServerConfig(loaded);
    expect(config).toMatchObject({ powBits: 12, maxQueueLength: 60, port: 9001, logLevel: 'warn' });
  });

  it('maps rate limits, proxies, TLS paths and the attachment cap into the server config', () => {
    const f = file(
      'map.toml',
      '[rate_limits]\nregistration_burst = 50\n[proxy]\ntrust = ["10.0.0.0/8"]\n[tls]\ncert = "c.pem"\nkey = "k.pem"\n[limits]\nmax_attachment_bytes = 1048576\n',
    );
    const config = toServerConfig(
      loadSettings({ flags: {}, env: { TACET_REGISTRATION_PER_HOUR: '500' }, file: f }),
    );
    expect(config.registrationLimit).toEqual({ burst: 50, perHour: 500 });
    expect(config.challengeLimit).toEqual({ burst: 20, perHour: 200 });
    expect(config.trustProxy).toEqual(['10.0.0.0/8']);
    expect(config.tlsCertFile).toBe(join(dir, 'c.pem'));
    expect(config.maxAttachmentBytes).toBe(1048576);
  });

  it('names the key, the source and the allowed values in every error', () => {
    const bad = (text: string) => () => loadSettings({ flags: {}, env: {}, file: file('bad.toml', text) });
    expect(bad('[limits]\npow_bits = 40\n')).toThrow(
      /bad\.toml: limits\.pow_bits = 40 is not allowed: .*an integer from 0 to 32/,
    );
    expect(bad('[limits]\npowbits = 4\n')).toThrow(
      /unknown key "limits\.powbits"; allowed in \[limits\]: .*limits\.pow_bits/,
    );
    expect(bad('[log]\nlevel = "loud"\n')).toThrow(
      /log\.level takes one of "debug", "info", "warn", "error"/,
    );
    expect(bad('port = 1\n')).toThrow(/unknown key "port"/);
    expect(bad('[listen\n')).toThrow(/is not valid TOML/);
    expect(() => loadSettings({ flags: {}, env: { TACET_TRUST_PROXY: '10.0.0.0/40' } })).toThrow(
      /TACET_TRUST_PROXY = "10\.0\.0\.0\/40"/,
    );
    expect(() => loadSettings({ flags: { port: 'http' }, env: {} })).toThrow(
      /--port = "http" is not allowed/,
    );
    expect(() => loadSettings({ flags: {}, env: { TACET_POW_SECRET: 'short' } })).toThrow(
      /TACET_POW_SECRET = \(hidden\)/,
    );
  });

  it('prints the effective configuration without secrets', () => {
    const env = {
      TACET_METRICS_TOKEN: 'scrape-token-that-must-not-print',
      TACET_POSTGRES_URL: 'postgres://tacet:hunter2@db/tacet',
      TACET_POW_SECRET: 'ab'.repeat(16),
    };
    const out = printSettings(loadSettings({ flags: { port: '8443' }, env }));
    expect(out).toMatch(/^port = 8443 # flag$/m);
    expect(out).toMatch(/^# token is set \(hidden\) # TACET_METRICS_TOKEN$/m);
    expect(out).toMatch(/^# postgres_url is set \(hidden\)/m);
    for (const secret of Object.values(env)) expect(out).not.toContain(secret);
    expect(out).not.toContain('hunter2');
  });

  it('documents every key with its environment variable in docs/operations.md', () => {
    const doc = readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8');
    for (const s of SERVER_SETTINGS) {
      expect(doc, s.key).toContain(`\`${s.key}\``);
      expect(doc, s.env).toContain(`\`${s.env}\``);
    }
  });

  it('tacet server --print-config exits 0; a bad file exits 2 with the key named', async () => {
    const ok = await tacet([
      'server',
      '--print-config',
      '--config',
      file('ok.toml', '[limits]\npow_bits = 8\n'),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^pow_bits = 8 # file$/m);
    const bad = await tacet(['server', '--config', file('bad2.toml', '[metrics]\nport = -1\n')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/metrics\.port = -1 is not allowed: .*an integer from 0 to 65535/);
  });
});
