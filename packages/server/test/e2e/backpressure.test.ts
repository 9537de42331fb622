import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register, startTestServer, type TestServer, TestSocket } from '../support/harness.js';

async function metric(metricsUrl: string | undefined, name: string): Promise<number> {
  const text = await (await fetch(metricsUrl as string)).text();
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
}
const delivered = (metricsUrl: string | undefined) => metric(metricsUrl, 'tacet_messages_delivered_total');
const pausedConnections = (metricsUrl: string | undefined) => metric(metricsUrl, 'tacet_ws_delivery_paused');

describe('backpressure', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('stops delivering to a reader that does not read, and resumes when it does', {
    timeout: 90_000,
  }, async () => {
    const url = t.server.url;
    const [alice, bob] = await Promise.all([register(url), register(url)]);
    const a = await TestSocket.open(url, alice.auth);
    const content = randomBytes(160 * 1024);
    const total = 250; // 40 MiB: far more than the socket buffers and the high-water mark together
    for (let i = 0; i < total; i++) a.send([bob], content);
    await a.until(() => a.results().length === total, 30_000);
    expect(a.results().every((r) => r.ok)).toBe(true);

    const b = await TestSocket.open(url, bob.auth);
    const raw = (b.ws as unknown as { _socket: Socket })._socket;
    raw.pause();
    const metrics = t.server.metricsUrl;
    // The server stops by itself once the socket holds the high-water mark.
    await expect.poll(() => pausedConnections(metrics), { timeout: 30_000, interval: 20 }).toBe(1);
    const whilePaused = await delivered(metrics);
    expect(whilePaused).toBeLessThan(total / 2);
    // And stays stopped: nothing more is delivered while the reader does not read.
    expect(await pausedConnections(metrics)).toBe(1);
    expect(await delivered(metrics)).toBe(whilePaused);

    raw.resume();
    await b.until(() => b.envelopes().length === total, 30_000);
    expect(await delivered(metrics)).toBe(total);
    expect(await pausedConnections(metrics)).toBe(0);
    await Promise.all([a.close(), b.close()]);
  });
});
