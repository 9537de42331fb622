/**
 * HTTPS and WSS from certificate files, with HSTS, and a reload that makes
 * new connections see a renewed certificate without a restart.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer } from '../support/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tacet-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cert = join(dir, 'cert.pem');
const key = join(dir, 'key.pem');

/** A fresh self-signed certificate for 127.0.0.1 in cert.pem / key.pem. */
function issue(cn: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${cn}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
}

/** GET over HTTPS trusting only `ca`; resolves the status, headers and the peer certificate's CN. */
function httpsGet(url: string, ca: Buffer) {
  return new Promise<{ status: number; hsts?: string; cn: string }>((resolve, reject) => {
    get(url, { ca, agent: false }, (res) => {
      const peer = (res.socket as TLSSocket).getPeerCertificate();
      res.resume();
      resolve({
        status: res.statusCode ?? 0,
        hsts: res.headers['strict-transport-security'] as string,
        cn: peer.subject.CN as string,
      });
    }).on('error', reject);
  });
}

describe('TLS', () => {
  it('serves HTTPS and WSS with HSTS, and reloads a renewed certificate', async () => {
    issue('first');
    const t = await startTestServer({ tlsCertFile: cert, tlsKeyFile: key });
    try {
      expect(t.server.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
      const first = await httpsGet(`${t.server.url}/healthz`, readFileSync(cert));
      expect(first).toMatchObject({ status: 200, cn: 'first' });
      expect(first.hsts).toMatch(/^max-age=\d{6,}/);

      // WSS reaches the upgrade handler through TLS (which answers a missing credential with 401).
      const ws = new WebSocket(`${t.server.url.replace('https', 'wss')}/v1/ws`, { ca: readFileSync(cert) });
      const upgrade = await new Promise<number>((resolve, reject) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', reject);
      });
      expect(upgrade).toBe(401);

      issue('renewed');
      await t.server.reloadTls();
      const renewed = await httpsGet(`${t.server.url}/healthz`, readFileSync(cert));
      expect(renewed).toMatchObject({ status: 200, cn: 'renewed' });
      expect(new X509Certificate(readFileSync(cert)).subject).toContain('renewed');
    } finally {
      await t.stop();
    }
  });

  it('refuses a key that does not match the certificate, naming the problem', async () => {
    issue('a');
    const otherKey = join(dir, 'other.pem');
    execFileSync('openssl', [
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      otherKey,
    ]);
    await expect(startTestServer({ tlsCertFile: cert, tlsKeyFile: otherKey })).rejects.toThrow(
      /do not form a usable pair/,
    );
    await expect(startTestServer({ tlsCertFile: cert })).rejects.toThrow(/tlsCertFile and tlsKeyFile/);
  });
});
