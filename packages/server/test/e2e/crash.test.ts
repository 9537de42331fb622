import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../support/child-process.js';
import { hex, register, TestSocket } from '../support/harness.js';

describe('crash safety', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tacet-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('kill -9 right after acks: every acked message is delivered after restart, in order', {
    timeout: 90_000,
  }, async () => {
    const first = await spawnServer(dataDir);
    const [alice, bob] = await Promise.all([register(first.url), register(first.url)]);
    const a = await TestSocket.open(first.url, alice.auth);
    const sent = new Map<number, string>();
    // Keep the server busy: 1,000 pipelined sends; kill it the moment 300 are acked.
    for (let i = 0; i < 1000; i++) {
      const { requestId, id } = a.send([bob], new TextEncoder().encode(`m${i}`));
      sent.set(requestId, hex(id));
    }
    await a.until(() => a.results().filter((r) => r.ok).length >= 300, 20_000);
    first.child.kill('SIGKILL');
    const acked = a
      .results()
      .filter((r) => r.ok)
      .map((r) => sent.get(r.requestId) as string);
    expect(await first.exited).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThanOrEqual(300);

    const second = await spawnServer(dataDir);
    try {
      const b = await TestSocket.open(second.url, bob.auth);
      await b.until((f) => f.some((x) => x.kind.case === 'queueDrained'), 20_000);
      const delivered = b.envelopes().map((e) => hex(e.id));
      const missing = acked.filter((id) => !delivered.includes(id));
      expect(missing).toEqual([]);
      // Per-sender order survives the crash.
      const order = [...sent.values()].filter((id) => delivered.includes(id));
      expect(delivered).toEqual(order);
      await b.close();
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
    }
  });
});
