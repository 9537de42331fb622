import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, type ServerConfig, startServer } from '@tacet/server';
import { afterEach, beforeEach } from 'vitest';
import { type ClientEvent, TacetClient } from '../../src/index.js';
import { nodeWebSocket, openSqliteStore, shredFile } from '../../src/index.node.js';

/** Temp dirs, a real server on a random port, and real clients on real SQLite profiles. */
export class Harness {
  readonly dirs: string[] = [];
  readonly clients = new Set<TacetClient>();
  readonly #disposers: Array<() => Promise<void>> = [];
  server!: RunningServer;
  serverDir = '';
  port = 0;

  tempDir(prefix: string): string {
    const d = mkdtempSync(join(tmpdir(), `tacet-${prefix}-`));
    this.dirs.push(d);
    return d;
  }

  async startServer(overrides: Partial<ServerConfig> = {}): Promise<RunningServer> {
    if (!this.serverDir) this.serverDir = this.tempDir('server');
    this.server = await startServer({
      ...overrides,
      dataDir: this.serverDir,
      port: this.port,
      powBits: 4,
      registrationLimit: { burst: 1000, perHour: 100_000 },
      challengeLimit: { burst: 1000, perHour: 100_000 },
      logLevel: 'error',
      logSink: () => undefined,
    });
    this.port = this.server.port;
    return this.server;
  }

  async register(
    name: string,
    serverUrl?: string,
  ): Promise<{ client: TacetClient; dir: string; events: ClientEvent[] }> {
    const dir = this.tempDir(name);
    const store = await openSqliteStore({ dir, passphrase: `pw-${name}`, logN: 14 });
    const client = await TacetClient.register({
      store,
      webSocket: nodeWebSocket,
      serverUrl: serverUrl ?? this.server.url,
      shredFile,
    });
    this.clients.add(client);
    const events: ClientEvent[] = [];
    client.on((e) => events.push(e));
    return { client, dir, events };
  }

  /**
   * Starts the server and registers alice and bob, each in the other's
   * contacts, both connected: the opening of most two-person tests.
   */
  async startConnectedPair(
    overrides: Partial<ServerConfig> = {},
    /** Where the clients reach the server (a proxy in front of it); default the server itself. */
    serverUrl?: (server: RunningServer) => Promise<string>,
  ): Promise<{
    alice: { client: TacetClient; dir: string; events: ClientEvent[] };
    bob: { client: TacetClient; dir: string; events: ClientEvent[] };
  }> {
    await this.startServer(overrides);
    const url = serverUrl ? await serverUrl(this.server) : undefined;
    const alice = await this.register('alice', url);
    const bob = await this.register('bob', url);
    await alice.client.addContact(bob.client.accountId, 'bob');
    await bob.client.addContact(alice.client.accountId, 'alice');
    await alice.client.connect();
    await bob.client.connect();
    return { alice, bob };
  }

  /**
   * Links a new profile `name` to `existing`'s account through the
   * provisioning channel, both sides confirming the comparison code (each
   * side's code is returned too, so a test can check they agree).
   */
  async link(
    existing: TacetClient,
    name: string,
    serverUrl?: string,
  ): Promise<{ client: TacetClient; dir: string; events: ClientEvent[]; codes: [string, string] }> {
    const dir = this.tempDir(name);
    const store = await openSqliteStore({ dir, passphrase: `pw-${name}`, logN: 14 });
    const link = await TacetClient.beginLink({
      store,
      webSocket: nodeWebSocket,
      serverUrl: serverUrl ?? this.server.url,
      shredFile,
    });
    const theirs = await existing.linkDevice(link.code);
    const mine = await link.comparison();
    const [, client] = await Promise.all([theirs.confirm(), link.confirm()]);
    this.clients.add(client);
    const events: ClientEvent[] = [];
    client.on((e) => events.push(e));
    return { client, dir, events, codes: [theirs.comparison, mine] };
  }

  async reopen(dir: string, name: string): Promise<{ client: TacetClient; events: ClientEvent[] }> {
    const store = await openSqliteStore({ dir, passphrase: `pw-${name}` });
    const client = await TacetClient.open({ store, webSocket: nodeWebSocket, shredFile });
    this.clients.add(client);
    const events: ClientEvent[] = [];
    client.on((e) => events.push(e));
    return { client, events };
  }

  async closeClient(c: TacetClient): Promise<void> {
    this.clients.delete(c);
    await c.close();
  }

  /** Runs `f` at dispose, before the server stops (a proxy in front of it). */
  onDispose(f: () => Promise<void>): void {
    this.#disposers.push(f);
  }

  async dispose(): Promise<void> {
    for (const f of this.#disposers.splice(0)) await f();
    for (const c of this.clients) await c.close().catch(() => undefined);
    this.clients.clear();
    await this.server?.close();
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}

/**
 * A fresh Harness for every test of the calling file, disposed after it.
 * @example const harness = harnessEachTest(); ... await harness().startServer();
 */
export function harnessEachTest(): () => Harness {
  let h = new Harness();
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => h.dispose());
  return () => h;
}

/** Polls `check` until it returns a truthy value or `ms` passes. */
export async function until<T>(
  check: () => Promise<T> | T,
  ms = 20_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
