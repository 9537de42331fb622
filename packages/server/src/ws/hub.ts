/**
 * Registry of live device connections: one per device (a newer connection
 * replaces the older, so a queue is never delivered twice at once), pings
 * for liveness, closing an account's connections on deletion, and draining
 * every connection on shutdown.
 */
import { deviceKey } from '../fanout/fanout.js';

/** What the hub needs from a connection. */
export interface HubConnection {
  readonly key: string;
  readonly accountHex: string;
  /** True while delivery waits for a client that is not reading (backpressure). */
  readonly deliveryPaused: boolean;
  /** Pings, or terminates after unanswered pings. */
  heartbeat(): void;
  /** Closes with a WebSocket close code. */
  close(code: number, reason: string): void;
  /** Stops reading, waits for pending sends to commit and be acked, then closes. */
  drain(): Promise<void>;
}

export class ConnectionHub {
  private readonly byDevice = new Map<string, HubConnection>();
  private timer: NodeJS.Timeout | undefined;

  /** Live connections. */
  get size(): number {
    return this.byDevice.size;
  }

  /** Live connections whose delivery is paused for backpressure. */
  get deliveryPaused(): number {
    let n = 0;
    for (const conn of this.byDevice.values()) if (conn.deliveryPaused) n++;
    return n;
  }

  add(conn: HubConnection): void {
    const previous = this.byDevice.get(conn.key);
    this.byDevice.set(conn.key, conn);
    previous?.close(4001, 'replaced by a newer connection');
  }

  remove(conn: HubConnection): void {
    if (this.byDevice.get(conn.key) === conn) this.byDevice.delete(conn.key);
  }

  /** Closes every connection of a deleted account. */
  closeAccount(accountId: Uint8Array): void {
    const hex = deviceKey(accountId, 0).split('.')[0];
    for (const conn of [...this.byDevice.values()])
      if (conn.accountHex === hex) conn.close(4003, 'account deleted');
  }

  /** Closes the connection of an unlinked device (on this node; its credential is gone everywhere). */
  closeDevice(accountId: Uint8Array, deviceId: number): void {
    this.byDevice.get(deviceKey(accountId, deviceId))?.close(4003, 'device unlinked');
  }

  /** Starts the liveness timer. */
  startHeartbeat(intervalMs: number): void {
    this.timer = setInterval(() => {
      for (const conn of this.byDevice.values()) conn.heartbeat();
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and drains every connection. */
  async drainAll(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.byDevice.values()].map((c) => c.drain()));
  }
}
