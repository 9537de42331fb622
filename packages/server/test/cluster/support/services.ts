/**
 * Restarting the machine's PostgreSQL and Redis for fault tests, with the
 * start commands of /work/shared/services.md. Every restart is reserved
 * through the testkit's service guard (other test files finish first) and
 * ends, whatever happens, with the service running again.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { reserveServicesForRestart, waitForRedis } from '@tacet/testkit';

const run = promisify(execFile);
/** Longest a service stays down for a test, whatever the test does meanwhile. */
const DURING_LIMIT_MS = 15_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function redisUp(): Promise<boolean> {
  return run('redis-cli', ['-h', '127.0.0.1', 'ping']).then(
    (r) => r.stdout.trim() === 'PONG',
    () => false,
  );
}

async function postgresUp(): Promise<boolean> {
  return run('pg_isready', ['-q', '-h', '127.0.0.1']).then(
    () => true,
    () => false,
  );
}

/** Starts Redis if it does not answer (no-op when it runs). */
export async function ensureRedisRunning(): Promise<void> {
  if (await redisUp()) return;
  await run('mkdir', ['-p', '/var/lib/redis', '/var/log/redis']);
  await run('redis-server', [
    '--daemonize',
    'yes',
    '--bind',
    '127.0.0.1',
    '-::1',
    '--port',
    '6379',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    '/var/lib/redis',
    '--logfile',
    '/var/log/redis/ci.log',
  ]);
  await waitForRedis(undefined, 15_000);
}

function postgresVersion(): string {
  return readdirSync('/etc/postgresql')[0] as string;
}

/** Starts PostgreSQL if it does not answer, and waits until it accepts connections. */
export async function ensurePostgresRunning(): Promise<void> {
  if (!(await postgresUp())) {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', postgresVersion(), 'main', 'start']).catch(
      () => {},
    );
  }
  for (let i = 0; i < 300 && !(await postgresUp()); i++) await sleep(100);
}

/** Stops Redis (dropping every connection), keeps it down for `downMs` while `during` runs, then starts it. */
export async function withRedisDown(downMs: number, during: () => Promise<void>): Promise<void> {
  const release = await reserveServicesForRestart();
  try {
    await run('redis-cli', ['-h', '127.0.0.1', 'shutdown', 'nosave']).catch(() => {});
    const started = Date.now();
    // Bounded, so Redis is started again even if `during` never settles.
    await Promise.race([during(), sleep(DURING_LIMIT_MS)]);
    await sleep(Math.max(0, downMs - (Date.now() - started)));
  } finally {
    await ensureRedisRunning();
    release();
  }
}

/** Restarts PostgreSQL (fast mode: sessions are terminated) and waits until it accepts connections again. */
export async function restartPostgres(): Promise<void> {
  const release = await reserveServicesForRestart();
  try {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', postgresVersion(), 'main', 'restart']);
  } finally {
    await ensurePostgresRunning();
    release();
  }
}
