/**
 * Test harness: a real server on a random port in a temp data directory, and
 * helpers that talk to it like a client would (fetch + real `ws` sockets).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityKeyPair, KEMKeyPair, KeyPair } from '@tacet/protocol';
import {
  type ChallengeResponse,
  decodeServerFrame,
  encodeClientFrame,
  parseAccountId,
  type RegisterResponse,
  type ServerFrame,
  solvePow,
  toBase64Url,
} from '@tacet/wire';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { type RunningServer, type ServerConfig, startServer } from '../../src/index.js';
import { DATABASE_FILE } from '../../src/storage/sqlite/database.js';

export interface TestServer {
  server: RunningServer;
  dataDir: string;
  logs: string[];
  /** Reads the server's stored data directly, as someone who seized it would (SQLite here; PostgreSQL in e2e-postgres). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

/** Runs a read-only query on the SQLite database of `dataDir`, beside the running server. */
export async function querySqlite(dataDir: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** Starts a server with easy PoW and generous limits; overrides win. */
export async function startTestServer(overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'tacet-server-'));
  const logs: string[] = [];
  const server = await startServer({
    dataDir,
    port: 0,
    powBits: 4,
    registrationLimit: { burst: 10_000, perHour: 10_000 },
    challengeLimit: { burst: 10_000, perHour: 10_000 },
    prekeyFetchLimit: { burst: 10_000, perHour: 10_000 },
    logSink: (line) => logs.push(line),
    ...overrides,
  });
  return {
    server,
    dataDir,
    logs,
    query: (sql) => querySqlite(dataDir, sql),
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Account extends RegisterResponse {
  id: Uint8Array;
  /** `Authorization` header value. */
  auth: string;
}

export function basicAuth(accountId: string, deviceId: number, credential: string): string {
  return `Basic ${Buffer.from(`${accountId}.${deviceId}:${credential}`).toString('base64')}`;
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Solves a challenge and registers; throws unless 201. */
export async function register(url: string): Promise<Account> {
  const challenge = (await (
    await fetch(`${url}/v1/accounts/challenge`, { method: 'POST' })
  ).json()) as ChallengeResponse;
  const nonce = solvePow(challenge.challenge, challenge.bits);
  const res = await postJson(`${url}/v1/accounts`, {
    pow: { challenge: challenge.challenge, nonce },
    registrationId: 42,
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as RegisterResponse;
  return {
    ...body,
    id: parseAccountId(body.accountId),
    auth: basicAuth(body.accountId, body.deviceId, body.credential),
  };
}

/** A valid key upload signed by a fresh identity, with `oneTime` keys of each kind. */
export function keyUpload(oneTime: number, identity = IdentityKeyPair.generate(), firstId = 1) {
  const spk = KeyPair.generate().publicKey.serialize();
  const lastResort = KEMKeyPair.generate().publicKey.serialize();
  const kyber = Array.from({ length: oneTime }, () => KEMKeyPair.generate().publicKey.serialize());
  return {
    identity,
    body: {
      identityKey: toBase64Url(identity.publicKey.serialize()),
      signedPreKey: {
        keyId: 1,
        publicKey: toBase64Url(spk),
        signature: toBase64Url(identity.privateKey.sign(spk)),
      },
      pqLastResortPreKey: {
        keyId: 9999,
        publicKey: toBase64Url(lastResort),
        signature: toBase64Url(identity.privateKey.sign(lastResort)),
      },
      preKeys: Array.from({ length: oneTime }, (_, i) => ({
        keyId: firstId + i,
        publicKey: toBase64Url(KeyPair.generate().publicKey.serialize()),
      })),
      pqPreKeys: kyber.map((k, i) => ({
        keyId: firstId + i,
        publicKey: toBase64Url(k),
        signature: toBase64Url(identity.privateKey.sign(k)),
      })),
    },
  };
}

/** A WebSocket client that records every server frame. */
export class TestSocket {
  readonly frames: ServerFrame[] = [];
  private waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | undefined;
  private nextRequest = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.frames.push(decodeServerFrame(new Uint8Array(data)));
      this.notify();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.notify();
    });
  }

  static open(url: string, auth: string): Promise<TestSocket> {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/ws`, ['tacet.v1'], {
      headers: { authorization: auth },
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TestSocket(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until `pred` holds over the frames seen so far (or the socket closes). */
  async until(pred: (frames: ServerFrame[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.frames)) {
      if (this.closed) throw new Error(`socket closed ${this.closed.code} ${this.closed.reason}`);
      if (Date.now() > deadline) throw new Error('timed out waiting for frames');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  envelopes() {
    return this.frames.flatMap((f) => (f.kind.case === 'envelope' ? [f.kind.value] : []));
  }

  results() {
    return this.frames.flatMap((f) => (f.kind.case === 'sendResult' ? [f.kind.value] : []));
  }

  /** Sends one message to the given devices; returns its id and request id. */
  send(
    to: { id: Uint8Array; deviceId?: number }[],
    content: Uint8Array,
    ttlSeconds = 0,
    id = randomBytes(16),
  ) {
    const requestId = this.nextRequest++;
    this.ws.send(
      encodeClientFrame({
        requestId,
        kind: {
          case: 'send',
          value: {
            id,
            ttlSeconds,
            envelopes: to.map((r) => ({ accountId: r.id, deviceId: r.deviceId ?? 1, content })),
          },
        },
      }),
    );
    return { id: new Uint8Array(id), requestId };
  }

  /** Sends and waits for its SendResult. */
  async sendAndWait(to: { id: Uint8Array; deviceId?: number }[], content: Uint8Array, ttlSeconds = 0) {
    const { requestId, id } = this.send(to, content, ttlSeconds);
    await this.until(() => this.results().some((r) => r.requestId === requestId));
    return { id, result: this.results().find((r) => r.requestId === requestId) };
  }

  ack(ids: Uint8Array[]): void {
    this.ws.send(encodeClientFrame({ kind: { case: 'ack', value: { ids } } }));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
