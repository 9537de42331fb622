/**
 * A test client that behaves like the real one where the cluster's promises
 * are concerned: it registers over HTTP, holds one WebSocket to one node,
 * acks every envelope it receives, removes duplicates by envelope id (what
 * the person sees is `received`; `wireDuplicates` counts what the dedup
 * caught), retries a send with the same id until the server acks it, and
 * reconnects to the next node that answers when its connection drops.
 */
import { randomBytes } from 'node:crypto';
import {
  type ChallengeResponse,
  decodeServerFrame,
  encodeClientFrame,
  parseAccountId,
  type RegisterResponse,
  solvePow,
} from '@tacet/wire';
import WebSocket from 'ws';
import { type Cluster, type ClusterServices, startCluster } from './cluster.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Outcome of one attempt to send. */
type Attempt = { ok: true } | { ok: false; code: string };

export class ClusterClient {
  /** Envelope ids the person has seen, each once, in arrival order. */
  readonly received: string[] = [];
  private readonly seen = new Set<string>();
  wireDuplicates = 0;
  /** Retryable refusals seen (code -> count). */
  readonly refusals = new Map<string, number>();
  /** How many times the connection dropped and was re-established. */
  reconnects = 0;
  /** Index (in `urls`) of the node currently connected, or -1. */
  node = -1;
  private ws: WebSocket | undefined;
  private connecting: Promise<void> | undefined;
  private nextRequest = 1;
  private readonly waiting = new Map<number, (a: Attempt) => void>();
  private stopped = false;
  private listeners: (() => void)[] = [];

  private constructor(
    readonly id: Uint8Array,
    private readonly auth: string,
    private readonly urls: readonly string[],
  ) {}

  /** Registers an account on `urls[at]` (any node serves any account) and connects there. */
  static async create(urls: readonly string[], at: number): Promise<ClusterClient> {
    const url = urls[at] as string;
    const challenge = (await (
      await fetch(`${url}/v1/accounts/challenge`, { method: 'POST' })
    ).json()) as ChallengeResponse;
    const res = await fetch(`${url}/v1/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        pow: { challenge: challenge.challenge, nonce: solvePow(challenge.challenge, challenge.bits) },
        registrationId: 1,
      }),
    });
    if (res.status !== 201) throw new Error(`register: ${res.status}`);
    const body = (await res.json()) as RegisterResponse;
    const auth = `Basic ${Buffer.from(`${body.accountId}.${body.deviceId}:${body.credential}`).toString('base64')}`;
    const client = new ClusterClient(parseAccountId(body.accountId), auth, urls);
    await client.connect(at);
    return client;
  }

  /** Connects to `urls[start]`, or the next node that accepts, retrying until one does. */
  connect(start: number): Promise<void> {
    this.connecting ??= this.tryNodes(start).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async tryNodes(start: number): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      const i = (start + attempt) % this.urls.length;
      try {
        this.ws = await this.open(this.urls[i] as string);
        this.node = i;
        return;
      } catch {
        await sleep(attempt < this.urls.length ? 0 : 100);
      }
    }
  }

  private open(url: string): Promise<WebSocket> {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/ws`, ['tacet.v1'], {
      headers: { authorization: this.auth },
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        ws.on('message', (data: Buffer) => this.onFrame(ws, data));
        ws.on('close', () => this.onClose(ws));
        resolve(ws);
      });
      ws.once('unexpected-response', () => reject(new Error('refused')));
      ws.once('error', reject);
    });
  }

  private onFrame(ws: WebSocket, data: Buffer): void {
    const frame = decodeServerFrame(new Uint8Array(data));
    if (frame.kind.case === 'envelope') {
      const id = frame.kind.value.id;
      const key = hex(id);
      if (this.seen.has(key)) this.wireDuplicates++;
      else {
        this.seen.add(key);
        this.received.push(key);
      }
      ws.send(encodeClientFrame({ kind: { case: 'ack', value: { ids: [id] } } }));
      for (const l of this.listeners.splice(0)) l();
    } else if (frame.kind.case === 'sendResult') {
      const r = frame.kind.value;
      this.waiting.get(r.requestId)?.(r.ok ? { ok: true } : { ok: false, code: r.errorCode });
      this.waiting.delete(r.requestId);
    }
  }

  private onClose(ws: WebSocket): void {
    if (ws !== this.ws) return;
    this.ws = undefined;
    const previous = this.node;
    this.node = -1;
    // Sends in flight on the dead connection have an unknown outcome: their senders retry.
    for (const resolve of this.waiting.values()) resolve({ ok: false, code: 'disconnected' });
    this.waiting.clear();
    if (this.stopped) return;
    this.reconnects++;
    void this.connect(previous + 1);
  }

  /** Sends one attempt of message `id`; resolves with the server's answer or `disconnected`. */
  private attempt(to: Uint8Array, id: Uint8Array): Promise<Attempt> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.resolve({ ok: false, code: 'disconnected' });
    const requestId = this.nextRequest++;
    return new Promise((resolve) => {
      this.waiting.set(requestId, resolve);
      ws.send(
        encodeClientFrame({
          requestId,
          kind: {
            case: 'send',
            value: { id, ttlSeconds: 0, envelopes: [{ accountId: to, deviceId: 1, content: id }] },
          },
        }),
      );
    });
  }

  /**
   * Sends a new message to `to` and retries it (same id) until the server
   * acks; resolves the id (hex) once acked, or undefined if stopped first;
   * rejects if not acked within `timeoutMs`.
   */
  async send(to: Uint8Array, timeoutMs = 30_000): Promise<string | undefined> {
    const id = new Uint8Array(randomBytes(16));
    const deadline = Date.now() + timeoutMs;
    while (!this.stopped) {
      if (Date.now() > deadline) throw new Error(`send not acked within ${timeoutMs} ms`);
      const result = await this.attempt(to, id);
      if (result.ok) return hex(id);
      this.refusals.set(result.code, (this.refusals.get(result.code) ?? 0) + 1);
      if (result.code !== 'disconnected' && result.code !== 'unavailable')
        throw new Error(`send: ${result.code}`);
      await (this.connecting ?? sleep(50));
    }
    return undefined;
  }

  /** Resolves once every id in `ids` has been received, or rejects after `timeoutMs`. */
  async waitFor(ids: Iterable<string>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const want = [...ids];
    while (!want.every((id) => this.seen.has(id))) {
      if (Date.now() > deadline) {
        const missing = want.filter((id) => !this.seen.has(id)).length;
        throw new Error(`timed out: ${missing} of ${want.length} messages not received`);
      }
      await new Promise<void>((resolve) => {
        this.listeners.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Closes the connection without reconnecting (the device goes offline). */
  async disconnect(): Promise<void> {
    this.stopped = true;
    const ws = this.ws;
    if (!ws) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close();
    });
  }

  /** Comes back online at `urls[at]`. */
  async reconnectAt(at: number): Promise<void> {
    this.stopped = false;
    await this.connect(at);
  }
}

/**
 * A cluster of `nodes` with `clientCount` clients spread round-robin over
 * them. If a client cannot register, the others disconnect and the cluster
 * stops before the error is rethrown, so a failed setup leaves nothing running.
 */
export async function startClusterWithClients(
  nodes: number,
  clientCount: number,
  services?: ClusterServices,
): Promise<{ cluster: Cluster; clients: ClusterClient[] }> {
  const cluster = await startCluster(nodes, services);
  const urls = cluster.urls();
  const created = await Promise.allSettled(
    Array.from({ length: clientCount }, (_, i) => ClusterClient.create(urls, i % nodes)),
  );
  const clients = created.flatMap((c) => (c.status === 'fulfilled' ? [c.value] : []));
  const failed = created.find((c) => c.status === 'rejected');
  if (failed) {
    await Promise.all(clients.map((c) => c.disconnect()));
    await cluster.stop();
    throw (failed as PromiseRejectedResult).reason;
  }
  return { cluster, clients };
}
