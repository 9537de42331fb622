/**
 * Load generator process for the server benchmark. It holds N sender /
 * recipient pairs (both ends in this process, so one clock times the whole
 * trip), and drives them closed-loop (a window of unacked sends per sender)
 * or open-loop at a fixed rate. Recipients ack what they receive. Works
 * against tacet (registered accounts, authenticated sockets) and the bare
 * relay (ids in the URL) with the same frames.
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
import { type LoadCommand, reply, type ServerTarget } from './ipc.js';

const CONTENT_BYTES = 200;
/** Longest wait for the closed loop's last windows to land. */
const DRAIN_BOUND_MS = 30_000;

interface Peer {
  id: Uint8Array;
  ws: WebSocket;
}

async function registerTacet(url: string): Promise<{ id: Uint8Array; auth: string }> {
  const c = (await (
    await fetch(`${url}/v1/accounts/challenge`, { method: 'POST' })
  ).json()) as ChallengeResponse;
  const res = await fetch(`${url}/v1/accounts`, {
    method: 'POST',
    body: JSON.stringify({
      pow: { challenge: c.challenge, nonce: solvePow(c.challenge, c.bits) },
      registrationId: 1,
    }),
  });
  const r = (await res.json()) as RegisterResponse;
  return {
    id: parseAccountId(r.accountId),
    auth: `Basic ${Buffer.from(`${r.accountId}.1:${r.credential}`).toString('base64')}`,
  };
}

interface Identity {
  id: Uint8Array;
  auth?: string;
}

async function identity(target: ServerTarget, url: string): Promise<Identity> {
  return target === 'tacet' ? registerTacet(url) : { id: randomBytes(16) };
}

async function open(target: ServerTarget, url: string, who: Identity): Promise<Peer> {
  const wsUrl = url.replace('http', 'ws');
  const ws =
    target === 'tacet'
      ? new WebSocket(`${wsUrl}/v1/ws`, ['tacet.v1'], {
          headers: { authorization: who.auth as string },
          perMessageDeflate: false,
        })
      : new WebSocket(`${wsUrl}/v1/ws?id=${Buffer.from(who.id).toString('hex')}.1`, {
          perMessageDeflate: false,
        });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { id: who.id, ws };
}

/** Runs `task` `count` times, `concurrency` at a time. */
async function many<T>(count: number, concurrency: number, task: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  let started = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (started < count) {
        started++;
        out.push(await task());
      }
    }),
  );
  return out;
}

/** Registers (tacet) and connects `count` peers. */
async function connectMany(target: ServerTarget, url: string, count: number): Promise<Peer[]> {
  const ids = await many(count, 64, () => identity(target, url));
  let i = 0;
  return many(count, 64, () => open(target, url, ids[i++] as Identity));
}

let senders: Peer[] = [];
let recipients: Peer[] = [];
let idle: Peer[] = [];
let idleIdentities: Identity[] = [];
let onReceive: (pair: number, sentAt: number) => void = () => {};
let onResult: (sender: number) => void = () => {};

function wire(): void {
  senders.forEach((s, i) => {
    s.ws.on('message', (data: Buffer) => {
      const f = decodeServerFrame(new Uint8Array(data));
      if (f.kind.case === 'sendResult' && f.kind.value.ok) onResult(i);
    });
  });
  recipients.forEach((r, pair) => {
    let pending: Uint8Array[] = [];
    r.ws.on('message', (data: Buffer) => {
      const f = decodeServerFrame(new Uint8Array(data));
      if (f.kind.case !== 'envelope') return;
      const c = f.kind.value.content;
      onReceive(pair, Buffer.from(c.buffer, c.byteOffset, c.byteLength).readDoubleLE(0));
      if (pending.length === 0) {
        setImmediate(() => {
          r.ws.send(encodeClientFrame({ kind: { case: 'ack', value: { ids: pending } } }));
          pending = [];
        });
      }
      pending.push(f.kind.value.id);
    });
  });
}

// Ids: a random per-process prefix and a counter, so the generator spends no time on randomness.
const idPrefix = randomBytes(8);
let idCounter = 0;
const content = Buffer.alloc(CONTENT_BYTES);

function send(i: number): void {
  const id = Buffer.alloc(16);
  idPrefix.copy(id);
  id.writeDoubleLE(idCounter++, 8);
  content.writeDoubleLE(performance.now(), 0);
  const to = recipients[i] as Peer;
  (senders[i] as Peer).ws.send(
    encodeClientFrame({
      requestId: 1,
      kind: {
        case: 'send',
        value: { id, ttlSeconds: 60, envelopes: [{ accountId: to.id, deviceId: 1, content }] },
      },
    }),
  );
}

/** Closed loop, end to end: each pair keeps `window` messages between send and receipt. */
async function throughput(durationMs: number, window: number): Promise<void> {
  let received = 0;
  let running = true;
  /** Sent and not yet received; the phase ends when the last windows have landed. */
  let outstanding = senders.length * window;
  let landed: () => void = () => {};
  onResult = () => {};
  onReceive = (pair) => {
    outstanding--;
    if (!running) {
      if (outstanding === 0) landed();
      return;
    }
    received++;
    send(pair);
    outstanding++;
  };
  const started = performance.now();
  for (let i = 0; i < senders.length; i++) for (let w = 0; w < window; w++) send(i);
  await new Promise((r) => setTimeout(r, durationMs));
  running = false;
  const elapsedMs = performance.now() - started;
  // The next phase starts on a server with no backlog: a fixed second was too short on a loaded
  // machine, and the 2,000/s phase then measured the drain. The bound only keeps a lost message from hanging the run.
  await new Promise<void>((resolve) => {
    landed = resolve;
    if (outstanding === 0) resolve();
    setTimeout(resolve, DRAIN_BOUND_MS);
  });
  reply({ type: 'throughput', received, elapsedMs });
}

async function rate(durationMs: number, perSecond: number): Promise<void> {
  const latencies: number[] = [];
  let sent = 0;
  let next = 0;
  onResult = () => {};
  onReceive = (_pair, sentAt) => latencies.push(performance.now() - sentAt);
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      const due = Math.min(
        Math.floor((perSecond * Math.min(elapsed, durationMs)) / 1000),
        (perSecond * durationMs) / 1000,
      );
      for (; sent < due; sent++) send(next++ % senders.length);
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  const deadline = performance.now() + 3000;
  while (latencies.length < sent && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  reply({ type: 'rate', sent, received: latencies.length, latenciesMs: latencies });
}

process.on('message', async (cmd: LoadCommand) => {
  try {
    if (cmd.type === 'setup') {
      senders = await connectMany(cmd.target, cmd.url, cmd.pairs);
      recipients = await connectMany(cmd.target, cmd.recipientUrl ?? cmd.url, cmd.pairs);
      wire();
      reply({ type: 'ready' });
    } else if (cmd.type === 'throughput') await throughput(cmd.durationMs, cmd.window);
    else if (cmd.type === 'rate') await rate(cmd.durationMs, cmd.perSecond);
    else if (cmd.type === 'prepare-idle') {
      idleIdentities = await many(cmd.connections, 64, () => identity(cmd.target, cmd.url));
      reply({ type: 'ready' });
    } else if (cmd.type === 'idle') {
      let i = 0;
      idle = await many(idleIdentities.length, 100, () =>
        open(cmd.target, cmd.url, idleIdentities[i++] as Identity),
      );
      reply({ type: 'idle', open: idle.length });
    } else if (cmd.type === 'close-idle') {
      for (const p of idle) p.ws.terminate();
      idle = [];
      reply({ type: 'ready' });
    } else if (cmd.type === 'close') {
      for (const p of [...senders, ...recipients, ...idle]) p.ws.terminate();
      process.disconnect();
    }
  } catch (err) {
    reply({ type: 'error', message: String(err) });
  }
});
