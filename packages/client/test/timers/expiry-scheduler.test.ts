import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/open.node.js';
import type { MessageRecord } from '../../src/store/types.js';
import { systemClock } from '../../src/timers/clock.js';
import { ExpiryScheduler, SWEEP_SLACK_MS } from '../../src/timers/expiry-scheduler.js';
import { ManualClock } from '../support/manual-clock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
async function store() {
  const dir = mkdtempSync(join(tmpdir(), 'tacet-timer-'));
  dirs.push(dir);
  return openSqliteStore({ dir, passphrase: 'pw', logN: 14 });
}
const msg = (id: string, expiresAt: number | null): Omit<MessageRecord, 'seq'> => ({
  id,
  conversationId: 'c',
  direction: 'out',
  kind: 'text',
  body: id,
  sentAt: 0,
  receivedAt: 0,
  timerSeconds: 30,
  expiresAt,
  status: 'sent',
});
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('ExpiryScheduler', () => {
  it('deletes each message at its own deadline, in order, and reports it', async () => {
    const s = await store();
    const clock = new ManualClock(1000);
    const expired: string[][] = [];
    const sched = new ExpiryScheduler({ store: s, clock, onExpired: (ids) => expired.push(ids) });
    await s.apply({ putMessages: [msg('a', 6000), msg('b', 31_000), msg('never', null)] });
    await sched.poke();
    clock.advance(4999 + SWEEP_SLACK_MS);
    await settle();
    expect(expired).toEqual([]);
    clock.advance(1);
    await settle();
    expect(expired).toEqual([['a']]);
    clock.advance(25_000);
    await settle();
    expect(expired).toEqual([['a'], ['b']]);
    expect((await s.listMessages('c', clock.now())).map((m) => m.id)).toEqual(['never']);
    sched.stop();
    await s.close();
  });

  it('a poke with a deadline the armed timer already covers sweeps nothing; an earlier one re-arms', async () => {
    const s = await store();
    const clock = new ManualClock(1000);
    const expired: string[][] = [];
    let sweeps = 0;
    const counted = {
      deleteExpired: (now: number) => {
        sweeps++;
        return s.deleteExpired(now);
      },
      nextExpiry: () => s.nextExpiry(),
    };
    const sched = new ExpiryScheduler({ store: counted, clock, onExpired: (ids) => expired.push(ids) });
    await s.apply({ putMessages: [msg('first', 6000)] });
    await sched.poke(6000);
    expect(sweeps).toBe(1);
    // Live traffic: each new message's deadline is later than the one the timer waits for.
    for (const [id, at] of [
      ['later', 7000],
      ['last', 9000],
    ] as const) {
      await s.apply({ putMessages: [msg(id, at)] });
      await sched.poke(at);
    }
    expect(sweeps).toBe(1);
    await s.apply({ putMessages: [msg('sooner', 3000)] });
    await sched.poke(3000);
    expect(sweeps).toBe(2);
    clock.advance(2000 + SWEEP_SLACK_MS);
    await settle();
    expect(expired).toEqual([['sooner']]);
    clock.advance(3000);
    await settle();
    expect(expired).toEqual([['sooner'], ['first']]);
    clock.advance(1000);
    await settle();
    expect(expired).toEqual([['sooner'], ['first'], ['later']]);
    clock.advance(2000);
    await settle();
    expect(expired).toEqual([['sooner'], ['first'], ['later'], ['last']]);
    sched.stop();
    await s.close();
  });

  it('deadlines closer together than the slack go in one sweep, none later than the slack', async () => {
    const s = await store();
    const clock = new ManualClock(1000);
    const expired: string[][] = [];
    const sched = new ExpiryScheduler({ store: s, clock, onExpired: (ids) => expired.push(ids) });
    // A live chat at 20 msg/s: one deadline every 50 ms.
    const ids = ['m0', 'm1', 'm2', 'm3'];
    await s.apply({ putMessages: ids.map((id, i) => msg(id, 5000 + i * 50)) });
    await sched.poke();
    clock.advance(4000 + SWEEP_SLACK_MS - 1);
    await settle();
    expect(expired).toEqual([]);
    clock.advance(1);
    await settle();
    expect(expired).toEqual([ids]);
    sched.stop();
    await s.close();
  });

  it('removes a message from the store within one second of its deadline (real clock)', async () => {
    const s = await store();
    const sched = new ExpiryScheduler({ store: s, clock: systemClock });
    const deadline = Date.now() + 300;
    await s.apply({ putMessages: [msg('soon', deadline)] });
    await sched.poke();
    await new Promise((r) => setTimeout(r, deadline + 1000 - Date.now()));
    expect(await s.getMessage('soon')).toBeUndefined();
    sched.stop();
    await s.close();
  });
});
