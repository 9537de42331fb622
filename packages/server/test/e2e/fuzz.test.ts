/**
 * Fuzz: at least 10,000 random and mutated WebSocket frames and HTTP bodies
 * against a running server, while a well-behaved pair keeps exchanging
 * messages. The server must never answer 5xx, never log an error, never
 * raise an unhandled exception, and deliver every acked message of the pair.
 */
import { randomBytes } from 'node:crypto';
import { decodeClientFrame, encodeClientFrame, formatAccountId, MAX_FRAME_BYTES } from '@tacet/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate, mutateJson, randomBytesFrom, rng } from '../support/fuzz.js';
import {
  type Account,
  keyUpload,
  register,
  startTestServer,
  type TestServer,
  TestSocket,
} from '../support/harness.js';

const SEED = Number(process.env.TACET_FUZZ_SEED ?? Date.now() % 1_000_000);
/** TACET_FUZZ_SCALE=10 runs a ten times longer campaign. */
const SCALE = Number(process.env.TACET_FUZZ_SCALE ?? 1);
const WS_FRAMES = 7_000 * SCALE;
const HTTP_BODIES = 3_000 * SCALE;
const WORKERS = 6;

describe(`fuzz (seed ${SEED})`, () => {
  let t: TestServer;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  beforeAll(async () => {
    process.on('uncaughtException', onUnhandled);
    process.on('unhandledRejection', onUnhandled);
    t = await startTestServer({ maxQueueLength: 100_000 });
  });
  afterAll(async () => {
    process.off('uncaughtException', onUnhandled);
    process.off('unhandledRejection', onUnhandled);
    await t.stop();
  });

  function seedFrames(target: Account): Uint8Array[] {
    const send = (n: number) =>
      encodeClientFrame({
        requestId: n,
        kind: {
          case: 'send',
          value: {
            id: randomBytes(16),
            ttlSeconds: 60,
            envelopes: Array.from({ length: n }, () => ({
              accountId: target.id,
              deviceId: 1,
              content: randomBytes(40),
            })),
          },
        },
      });
    const ack = encodeClientFrame({
      kind: { case: 'ack', value: { ids: [randomBytes(16), randomBytes(16)] } },
    });
    return [send(1), send(3), ack];
  }

  /** The next hostile frame, and whether the server must close the connection for it. */
  function nextFrame(
    next: () => number,
    seeds: Uint8Array[],
  ): { frame: Uint8Array | string; closes: boolean } {
    const roll = next();
    if (roll < 0.01) return { frame: new TextDecoder().decode(randomBytesFrom(next, 20)), closes: true };
    if (roll < 0.012) return { frame: new Uint8Array(MAX_FRAME_BYTES + 1), closes: true };
    const frame = mutate(next, seeds[Math.floor(next() * seeds.length)] as Uint8Array);
    try {
      decodeClientFrame(frame);
      return { frame, closes: false };
    } catch {
      return { frame, closes: true };
    }
  }

  /**
   * Sends frames in batches that end at the first one the server must refuse
   * (or after 16), then waits for the refusal (error frame or close) or for a
   * pong, so every counted frame was really processed by the server.
   */
  async function wsWorker(
    account: Account,
    target: Account,
    next: () => number,
    count: number,
  ): Promise<number> {
    const seeds = seedFrames(target);
    let sent = 0;
    let sock = await TestSocket.open(t.server.url, account.auth);
    while (sent < count) {
      let closes = false;
      for (let i = 0; i < 16 && sent < count && !closes; i++) {
        const f = nextFrame(next, seeds);
        sock.ws.send(f.frame);
        closes = f.closes;
        sent++;
      }
      const s = sock;
      await new Promise<void>((resolve) => {
        s.ws.once('close', () => resolve());
        if (closes) s.ws.once('message', () => resolve());
        else s.ws.once('pong', () => resolve());
        s.ws.ping();
      });
      if (closes || s.closed) {
        s.ws.terminate();
        sock = await TestSocket.open(t.server.url, account.auth);
      }
    }
    await sock.close();
    return sent;
  }

  async function httpWorker(account: Account, next: () => number, count: number): Promise<number[]> {
    const url = t.server.url;
    const upload = keyUpload(1).body;
    const registration = { pow: { challenge: 'AAAA', nonce: 5 }, registrationId: 9 };
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      const pick = Math.floor(next() * 6);
      let res: Response;
      if (pick === 0)
        res = await fetch(`${url}/v1/accounts`, { method: 'POST', body: mutateJson(next, registration) });
      else if (pick === 1 || pick === 2) {
        res = await fetch(`${url}/v1/keys`, {
          method: 'PUT',
          headers: { authorization: account.auth },
          body: mutateJson(next, upload),
        });
      } else if (pick === 3) {
        res = await fetch(`${url}/v1/devices`, {
          method: 'POST',
          headers: { authorization: account.auth },
          body: mutateJson(next, { registrationId: 3 }),
        });
      } else if (pick === 4) {
        const path = mutateJson(next, `${formatAccountId(account.id)}/1`).replace(/[#?]/g, '');
        res = await fetch(`${url}/v1/keys/${encodeURI(path)}`, { headers: { authorization: account.auth } });
      } else {
        const auth = Buffer.from(mutate(next, Buffer.from(account.auth)))
          .toString('latin1')
          .replace(/[^\x20-\x7e]/g, '');
        res = await fetch(`${url}/v1/keys/count`, { headers: { authorization: auth } });
      }
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    return statuses;
  }

  /** The well-behaved pair: alice sends to bob, one at a time, until told to stop. */
  async function conversation(alice: Account, bob: Account, stop: () => boolean) {
    const a = await TestSocket.open(t.server.url, alice.auth);
    const b = await TestSocket.open(t.server.url, bob.auth);
    b.ws.on('message', () => {
      const ids = b.envelopes().map((e) => e.id);
      if (ids.length) b.ack(ids.slice(-1));
    });
    const acked: string[] = [];
    while (!stop()) {
      const { id, result } = await a.sendAndWait([bob], randomBytes(64));
      expect(result?.ok).toBe(true);
      acked.push(Buffer.from(id).toString('hex'));
      // A person chatting, not a load generator: leave the commits to the fuzzers.
      await new Promise((r) => setTimeout(r, 20));
    }
    await b.until(
      () => acked.every((id) => b.envelopes().some((e) => Buffer.from(e.id).toString('hex') === id)),
      20_000,
    );
    await Promise.all([a.close(), b.close()]);
    return acked.length;
  }

  it('survives 10,000 hostile frames and bodies while serving a well-behaved pair', {
    timeout: 180_000,
  }, async () => {
    const accounts = await Promise.all(Array.from({ length: WORKERS + 2 }, () => register(t.server.url)));
    const [alice, bob, ...fuzzers] = accounts as [Account, Account, ...Account[]];
    let done = false;
    const talk = conversation(alice, bob, () => done);
    const work = fuzzers.map((acc, i) =>
      Promise.all([
        wsWorker(acc, i % 2 ? bob : acc, rng(SEED + i), WS_FRAMES / WORKERS),
        httpWorker(acc, rng(SEED + 100 + i), HTTP_BODIES / WORKERS),
      ]),
    );
    const results = await Promise.all(work);
    done = true;
    const exchanged = await talk;
    const frames = results.reduce((n, [f]) => n + f, 0);
    const statuses = results.flatMap(([, s]) => s);
    console.log('fuzz', { frames, bodies: statuses.length, exchanged });
    expect(frames + statuses.length).toBeGreaterThanOrEqual(WS_FRAMES + HTTP_BODIES);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(exchanged).toBeGreaterThan(10);
    expect(unhandled).toEqual([]);
    expect(t.logs.filter((l) => l.includes('"level":"error"'))).toEqual([]);
    expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200);
  });
});
