/**
 * A Redis server of the test's own: redis-server on a free port, nothing
 * saved to disk, a child of the test process. Fault tests stop and start it
 * at will without touching the machine's Redis. See docs/testing.md.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { waitForRedis } from './temp-redis.js';

/** A Redis server that only this test uses. */
export interface OwnRedis extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  /** Kills it (every connection drops at once, nothing is saved). No-op when down. */
  kill(): Promise<void>;
  /** Starts it again on the same port; resolves once it answers PING. No-op when up. */
  start(): Promise<void>;
  /** Kills it for good and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Starts a Redis server of its own.
 * @example
 * await using redis = await startOwnRedis();
 * await redis.kill(); ...; await redis.start();
 */
export async function startOwnRedis(): Promise<OwnRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'tacet-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async () => {
    if (child) return;
    const server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    child = server;
    const failed = once(server, 'exit').then(([code]) => {
      throw new Error(`redis-server on port ${port} exited (${code}) while starting`);
    });
    failed.catch(() => {});
    await Promise.race([waitForRedis(url, 15_000), failed]);
  };
  const kill = async () => {
    const server = child;
    if (!server) return;
    child = undefined;
    if (server.exitCode === null && server.signalCode === null) {
      const exited = once(server, 'exit');
      server.kill('SIGKILL');
      await exited;
    }
  };
  // A test process that ends without stopping it still leaves no server behind.
  const onExit = () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    await kill();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await start();
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, kill, start, stop, [Symbol.asyncDispose]: stop };
}
