import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hex, register, startTestServer, TestSocket } from '../support/harness.js';

describe('operations', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tacet-ops-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves /healthz, and Prometheus /metrics on the metrics listener', async () => {
    const t = await startTestServer({ dataDir });
    const health = await fetch(`${t.server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    await register(t.server.url);
    const metrics = await fetch(t.server.metricsUrl as string);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await metrics.text();
    expect(body).toMatch(/^# TYPE tacet_registrations_total counter$/m);
    expect(body).toMatch(/^tacet_registrations_total 1$/m);
    expect(body).toMatch(/^tacet_ws_connections 0$/m);
    await t.server.close();
  });

  it('graceful shutdown loses nothing it acked, and logs no ids or addresses', async () => {
    const t = await startTestServer({ dataDir });
    const [alice, bob] = await Promise.all([register(t.server.url), register(t.server.url)]);
    const a = await TestSocket.open(t.server.url, alice.auth);
    const sent = new Map<number, string>();
    for (let i = 0; i < 500; i++) {
      const { requestId, id } = a.send([bob], new TextEncoder().encode(`m${i}`));
      sent.set(requestId, hex(id));
    }
    await a.until(() => a.results().length >= 50);
    await t.server.close();
    expect(a.closed?.code ?? (await a.until(() => false, 2000).catch(() => a.closed?.code))).toBeDefined();
    const acked = a
      .results()
      .filter((r) => r.ok)
      .map((r) => sent.get(r.requestId) as string);
    expect(acked.length).toBeGreaterThanOrEqual(50);
    for (const r of a.results().filter((x) => !x.ok)) expect(r.errorCode).toBe('unavailable');

    const again = await startTestServer({ dataDir });
    const b = await TestSocket.open(again.server.url, bob.auth);
    await b.until((f) => f.some((x) => x.kind.case === 'queueDrained'));
    const delivered = new Set(b.envelopes().map((e) => hex(e.id)));
    expect(acked.filter((id) => !delivered.has(id))).toEqual([]);
    await b.close();
    await again.server.close();

    const logs = [...t.logs, ...again.logs].join('\n');
    expect(logs).toContain('"msg":"listening"');
    expect(logs).toContain('"msg":"stopped"');
    for (const secret of [alice.accountId, bob.accountId, hex(alice.id), hex(bob.id), alice.credential]) {
      expect(logs).not.toContain(secret);
    }
    // The only address in the logs is the server's own listening URL.
    for (const line of logs.split('\n').filter((l) => !l.includes('"msg":"listening"')))
      expect(line).not.toMatch(/127\.0\.0\.1|::1/);
    for (const line of logs.split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('logs each error class with a count, and nothing that identifies who failed', async () => {
    const t = await startTestServer({ dataDir, challengeLimit: { burst: 1, perHour: 1 } });
    const ask = () => fetch(`${t.server.url}/v1/accounts/challenge`, { method: 'POST' });
    expect([(await ask()).status, (await ask()).status, (await ask()).status]).toEqual([200, 429, 429]);
    const bad = await fetch(`${t.server.url}/v1/keys/count`, { headers: { authorization: 'Basic eDp5' } });
    expect(bad.status).toBe(401);
    await t.server.close();
    const tallies = t.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'errors');
    expect(tallies).toEqual([
      expect.objectContaining({ level: 'info', code: 'rate_limited', count: 2 }),
      expect.objectContaining({ level: 'info', code: 'unauthorized', count: 1 }),
    ]);
    for (const line of t.logs.filter((l) => !l.includes('"msg":"listening"')))
      expect(line).not.toMatch(/127\.0\.0\.1|::1|eDp5/);
  });

  it('refuses new work while draining', async () => {
    const t = await startTestServer({ dataDir });
    const closing = t.server.close();
    const res = await fetch(`${t.server.url}/healthz`).catch(() => undefined);
    if (res) expect(res.status).toBe(503);
    await closing;
    await expect(fetch(`${t.server.url}/healthz`)).rejects.toThrow();
  });
});
