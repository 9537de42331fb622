/**
 * A steady load over cluster clients: each keeps a few sends in flight to
 * random other clients, retrying each until acked, and remembers which
 * recipient every acked message is owed to.
 */
import type { ClusterClient } from './cluster-client.js';

export class Load {
  /** Acked message id -> its recipient. */
  readonly acked = new Map<string, ClusterClient>();
  private running = true;
  private readonly loops: Promise<void>[];
  /** Told after every ack. */
  private readonly onAck = new Set<() => void>();

  constructor(
    private readonly clients: readonly ClusterClient[],
    inFlightPerClient = 3,
  ) {
    this.loops = clients.flatMap((from) => Array.from({ length: inFlightPerClient }, () => this.loop(from)));
  }

  private async loop(from: ClusterClient): Promise<void> {
    const others = this.clients.filter((c) => c !== from);
    while (this.running) {
      const to = others[Math.floor(Math.random() * others.length)] as ClusterClient;
      const id = await from.send(to.id);
      // A stopped sender answers at once; looping on it would spin on
      // microtasks and starve the event loop (and every test timeout).
      if (id === undefined) return;
      this.acked.set(id, to);
      for (const listener of this.onAck) listener();
    }
  }

  /**
   * Resolves once `more` further messages have been acked from now (the load
   * is moving), or rejects after `timeoutMs`.
   * @example await load.progress(20); // the cluster carries traffic again
   */
  progress(more: number, timeoutMs = 20_000): Promise<void> {
    const target = this.acked.size + more;
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.acked.size < target) return;
        this.onAck.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.onAck.delete(check);
        reject(
          new Error(
            `load: ${target - this.acked.size} of ${more} further acks missing after ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.onAck.add(check);
    });
  }

  /** Acked so far. */
  get count(): number {
    return this.acked.size;
  }

  /** Stops starting new messages and waits for those in flight to be acked. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Waits until every acked message reached its recipient; returns the ids per recipient. */
  async allDelivered(timeoutMs: number): Promise<Map<ClusterClient, string[]>> {
    const owed = new Map<ClusterClient, string[]>();
    for (const [id, to] of this.acked) owed.set(to, [...(owed.get(to) ?? []), id]);
    await Promise.all([...owed].map(([to, ids]) => to.waitFor(ids, timeoutMs)));
    return owed;
  }
}
