/**
 * Key generation never freezes the process (issue 9 item 6). On Node 20,
 * generateKeyPairSync followed by a JWK export deadlocked the main thread
 * within thousands of keys (node-backend.node.ts, module note); tacet makes
 * keys by importing random bytes instead. The loop runs in a child process so
 * a freeze shows as a stall the watchdog reports, not a hung test run.
 * `npm run soak:keys` runs the same loop for minutes.
 */
import { describe, expect, it } from 'vitest';
import { runKeygenLoop } from '../support/keygen-watchdog.js';

describe('X25519 key generation on node:crypto', () => {
  it('generates 200,000 key pairs without freezing', async () => {
    const run = await runKeygenLoop({ count: 200_000, stallMs: 30_000 });
    expect(run.stderr).toBe('');
    expect({ outcome: run.outcome, keys: run.keys }).toEqual({ outcome: 'done', keys: 200_000 });
  }, 180_000);
});
