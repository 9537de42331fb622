/**
 * {@link Fanout} over Redis pub/sub for several nodes: one subscriber and one
 * publisher connection per node, one channel per device key. A wake-up
 * carries only the publishing node's random id (never content), so a node
 * wakes its own listeners directly and ignores its own echo.
 *
 * Redis pub/sub is at-most-once: a message published while a subscriber is
 * disconnected is gone. Because wake-ups only say "read your queue", catching
 * up is cheap, and this adapter does it by itself, with no hook in the
 * delivery code:
 * - when the subscriber (re)connects it re-subscribes, and once Redis has
 *   confirmed, wakes every local listener so each re-reads its queue;
 * - when a publish fails, the publisher, once back, broadcasts a wake-all
 *   that every node answers the same way;
 * - a new channel subscription wakes its listener once confirmed, closing
 *   the gap between the connection's first queue read and the subscription.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { DeviceKey, Fanout } from '../fanout.js';

/** Options of {@link openRedisFanout}. */
export interface RedisFanoutOptions {
  /** `redis://host:port[/db]`. */
  url: string;
  /** Prefix of every channel, so deployments (or tests) sharing a Redis never hear each other. Default `tacet:`. */
  prefix?: string;
  /** Told about connection problems (the adapter reconnects by itself). */
  onError?: (err: Error) => void;
}

/** Channels per SUBSCRIBE command when re-subscribing after a reconnect. */
const SUBSCRIBE_CHUNK = 1_000;
/** How long to wait for Redis at start before giving up. */
const CONNECT_TIMEOUT_MS = 5_000;

type Listener = () => void;

export class RedisFanout implements Fanout {
  /** Random per process; names this node's connections and marks its own wake-ups. */
  readonly nodeId: string;
  private readonly listeners = new Map<DeviceKey, Set<Listener>>();
  private readonly broadcast: string;
  private missedPublish = false;
  private closed = false;

  constructor(
    private readonly sub: Redis,
    private readonly pub: Redis,
    private readonly prefix: string,
    private readonly onError: (err: Error) => void,
    nodeId: string,
  ) {
    this.nodeId = nodeId;
    this.broadcast = `${prefix}all`;
    sub.on('message', (channel: string, sender: string) => this.onMessage(channel, sender));
    sub.on('ready', () => void this.resubscribe());
    pub.on('ready', () => void this.announceMissed());
  }

  subscribe(key: DeviceKey, listener: Listener): () => void {
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
      // Confirmed subscription -> one more queue read, for anything published just before it.
      this.sub.subscribe(this.channel(key)).then(
        () => this.wake(key),
        (err: Error) => this.onError(err),
      );
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(key);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(key);
      if (!this.closed) this.sub.unsubscribe(this.channel(key)).catch((err: Error) => this.onError(err));
    };
  }

  async publish(keys: readonly DeviceKey[]): Promise<void> {
    for (const key of keys) this.wake(key);
    if (keys.length === 0 || this.closed) return;
    const pipeline = this.pub.pipeline();
    for (const key of keys) pipeline.publish(this.channel(key), this.nodeId);
    try {
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.find(([err]) => err);
      if (failed) throw failed[0];
    } catch (err) {
      // Resolved anyway: the wake-all sent on reconnect makes up for it.
      if (!this.missedPublish) this.onError(err as Error);
      this.missedPublish = true;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await Promise.allSettled([this.sub.quit(), this.pub.quit()]);
    this.sub.disconnect();
    this.pub.disconnect();
  }

  private channel(key: DeviceKey): string {
    return `${this.prefix}d:${key}`;
  }

  private wake(key: DeviceKey): void {
    for (const listener of this.listeners.get(key) ?? []) listener();
  }

  private wakeAll(): void {
    for (const key of [...this.listeners.keys()]) this.wake(key);
  }

  private onMessage(channel: string, sender: string): void {
    if (channel === this.broadcast) this.wakeAll();
    else if (sender !== this.nodeId) this.wake(channel.slice(this.prefix.length + 2));
  }

  /** After a (re)connect: subscribe to everything this node listens to, then wake it all. */
  private async resubscribe(): Promise<void> {
    const channels = [this.broadcast, ...[...this.listeners.keys()].map((k) => this.channel(k))];
    try {
      for (let i = 0; i < channels.length; i += SUBSCRIBE_CHUNK) {
        await this.sub.subscribe(...channels.slice(i, i + SUBSCRIBE_CHUNK));
      }
    } catch (err) {
      this.onError(err as Error);
      return;
    }
    this.wakeAll();
  }

  private async announceMissed(): Promise<void> {
    if (!this.missedPublish) return;
    this.missedPublish = false;
    try {
      await this.pub.publish(this.broadcast, this.nodeId);
    } catch (err) {
      this.missedPublish = true;
      this.onError(err as Error);
    }
  }
}

function connection(url: string, name: string, onError: (err: Error) => void): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    // Visible in CLIENT LIST, so an operator (or a fault test) can tell the connections apart.
    connectionName: name,
    // Fail fast instead of queueing while Redis is away; the catch-up above covers the gap.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // We re-subscribe ourselves so we know when the subscriptions are in place.
    autoResubscribe: false,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 100, 1_000),
  });
  redis.on('error', onError);
  return redis;
}

/**
 * Connects both connections and subscribes to the broadcast channel.
 * @example const fanout = await openRedisFanout({ url: 'redis://127.0.0.1:6379' })
 */
export async function openRedisFanout(options: RedisFanoutOptions): Promise<RedisFanout> {
  const onError = options.onError ?? (() => {});
  const prefix = options.prefix ?? 'tacet:';
  const nodeId = randomBytes(8).toString('hex');
  const sub = connection(options.url, `${prefix}sub.${nodeId}`, onError);
  const pub = connection(options.url, `${prefix}pub.${nodeId}`, onError);
  try {
    await Promise.all([sub.connect(), pub.connect()]);
  } catch (err) {
    sub.disconnect();
    pub.disconnect();
    throw err;
  }
  const fanout = new RedisFanout(sub, pub, prefix, onError, nodeId);
  // The first 'ready' fired before the listener existed; subscribe to the broadcast channel now.
  await sub.subscribe(`${prefix}all`);
  return fanout;
}
