/**
 * Redis for tests: the local server, with a key and channel prefix of each
 * test's own so runs sharing the server never hear each other.
 */
import { Redis } from 'ioredis';
import { uniqueName } from './unique-name.js';

/** The local Redis of the development and CI machines. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** `TACET_TEST_REDIS_URL` if set, else the local server. */
export function redisUrl(): string {
  return process.env.TACET_TEST_REDIS_URL ?? DEFAULT_REDIS_URL;
}

/**
 * A fresh prefix such as `tacet_test_3f9a0c1b2d4e:`.
 * @example const fanout = await openRedisFanout({ url: redisUrl(), prefix: tempRedisPrefix() })
 */
export function tempRedisPrefix(): string {
  return `${uniqueName('tacet_test')}:`;
}

/** Resolves once Redis answers PING (for example after a restart), or rejects after `timeoutMs`. */
export async function waitForRedis(url = redisUrl(), timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    } finally {
      client.disconnect();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
