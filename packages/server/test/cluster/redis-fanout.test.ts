/**
 * Redis fan-out against the real Redis: wake-ups cross nodes, stay within
 * their prefix, and are made up for after a node's connection drops (the
 * connection is killed with CLIENT KILL; Redis itself keeps running).
 */
import { once } from 'node:events';
import { redisUrl, tempRedisPrefix } from '@tacet/testkit';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openRedisFanout, type RedisFanout } from '../../src/fanout/redis/index.js';

const opened: RedisFanout[] = [];
async function node(prefix: string): Promise<RedisFanout> {
  const f = await openRedisFanout({ url: redisUrl(), prefix });
  opened.push(f);
  return f;
}

/** Kills the Redis connection named `name` (as a network failure would). */
async function killConnection(name: string): Promise<void> {
  const admin = new Redis(redisUrl());
  try {
    const list = (await admin.client('LIST')) as string;
    const line = list.split('\n').find((l) => l.includes(` name=${name} `));
    const id = line?.match(/^id=(\d+)/)?.[1];
    expect(id).toBeDefined();
    await admin.client('KILL', 'ID', id as string);
  } finally {
    admin.disconnect();
  }
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((f) => f.close()));
});

describe('redis fan-out', () => {
  it('wakes a listener on another node once, and a local one without Redis echo', async () => {
    const prefix = tempRedisPrefix();
    const [a, b] = [await node(prefix), await node(prefix)];
    const onA = vi.fn();
    a.subscribe('aa.1', onA);
    await vi.waitFor(() => expect(onA).toHaveBeenCalledTimes(1)); // confirmation wake-up
    await b.publish(['aa.1', 'bb.1']);
    await vi.waitFor(() => expect(onA).toHaveBeenCalledTimes(2));
    await a.publish(['aa.1']);
    expect(onA).toHaveBeenCalledTimes(3); // synchronously, locally
    await new Promise((r) => setTimeout(r, 100));
    expect(onA).toHaveBeenCalledTimes(3); // its own echo is ignored
  });

  it('does not cross prefixes and stops after unsubscribe', async () => {
    const p1 = tempRedisPrefix();
    const [a, other, b] = [await node(p1), await node(tempRedisPrefix()), await node(p1)];
    const onA = vi.fn();
    const unsubscribe = a.subscribe('aa.1', onA);
    await vi.waitFor(() => expect(onA).toHaveBeenCalledTimes(1));
    await other.publish(['aa.1']);
    await new Promise((r) => setTimeout(r, 100));
    expect(onA).toHaveBeenCalledTimes(1);
    unsubscribe();
    await b.publish(['aa.1']);
    await new Promise((r) => setTimeout(r, 100));
    expect(onA).toHaveBeenCalledTimes(1);
  });

  it('wakes every local listener after its subscriber connection comes back', async () => {
    const prefix = tempRedisPrefix();
    const a = await node(prefix);
    const onX = vi.fn();
    const onY = vi.fn();
    a.subscribe('aa.1', onX);
    a.subscribe('bb.2', onY);
    await vi.waitFor(() => expect(onY).toHaveBeenCalledTimes(1));
    await killConnection(`${prefix}sub.${a.nodeId}`);
    await vi.waitFor(() => expect(onX).toHaveBeenCalledTimes(2), { timeout: 5_000 });
    expect(onY).toHaveBeenCalledTimes(2);
    // Subscriptions are back: a remote publish arrives again.
    const b = await node(prefix);
    await b.publish(['bb.2']);
    await vi.waitFor(() => expect(onY).toHaveBeenCalledTimes(3));
  });

  it('makes up for a publish that failed by waking every node once the publisher is back', async () => {
    const prefix = tempRedisPrefix();
    const [a, b] = [await node(prefix), await node(prefix)];
    const onA = vi.fn();
    a.subscribe('aa.1', onA);
    await vi.waitFor(() => expect(onA).toHaveBeenCalledTimes(1));
    // B's publisher, watched (not driven) to publish while it is away, before its reconnect.
    const publisher = (b as unknown as { pub: Redis }).pub;
    const away = once(publisher, 'reconnecting');
    await killConnection(`${prefix}pub.${b.nodeId}`);
    await away;
    expect(publisher.status).toBe('reconnecting');
    // A key nobody listens to: only B's catch-up broadcast can wake A now.
    await b.publish(['ff.9']);
    await vi.waitFor(() => expect(onA).toHaveBeenCalledTimes(2), { timeout: 5_000 });
  });
});
