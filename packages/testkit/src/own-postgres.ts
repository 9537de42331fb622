/**
 * A PostgreSQL server of the test's own: a fresh cluster (initdb) in a
 * temporary directory, started with pg_ctl on a free port. Fault tests stop
 * and restart it at will without touching the machine's PostgreSQL or anyone
 * else's tests. See docs/testing.md.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** A running PostgreSQL server that only this test uses. */
export interface OwnPostgres extends AsyncDisposable {
  /** Maintenance database URL (trust auth, user `postgres`): pass it to `createTempPostgresDatabase`. */
  readonly adminUrl: string;
  readonly port: number;
  /** Shuts it down (fast mode: every session is terminated), keeping its data. */
  shutdown(): Promise<void>;
  /** Starts it again after {@link OwnPostgres.shutdown}; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and deletes its data directory. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Where initdb and pg_ctl are: `TACET_PG_BINDIR`, else the newest
 * /usr/lib/postgresql/<version>/bin (Debian keeps them off the PATH), else the PATH.
 */
function binDir(): string | undefined {
  if (process.env.TACET_PG_BINDIR) return process.env.TACET_PG_BINDIR;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** PostgreSQL refuses to run as root: as root, its tools run as the `postgres` user the package created. */
const asRoot = () => process.getuid?.() === 0;

/** The command line running PostgreSQL's tool `name`. */
function pgCommand(name: string, args: string[]): [string, string[]] {
  const dir = binDir();
  const tool = dir ? join(dir, name) : name;
  return asRoot() ? ['runuser', ['-u', 'postgres', '--', tool, ...args]] : [tool, args];
}

const pgTool = (name: string, args: string[]) => run(...pgCommand(name, args));

/**
 * Creates and starts a PostgreSQL cluster of its own.
 * @example
 * await using pg = await startOwnPostgres();
 * const db = await createTempPostgresDatabase(pg.adminUrl);
 * await pg.shutdown(); ...; await pg.start();
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'tacet-pg-'));
  const data = join(dir, 'data');
  if (asRoot()) {
    const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
    chownSync(dir, await id('-u'), await id('-g'));
  }
  const port = await freePort();
  const ctl = (...args: string[]) =>
    pgTool('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', ...args]);
  // Its own port and socket directory, loopback only; fsync off because a clean shutdown
  // (what the tests do) flushes anyway, and the data is thrown away.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = async () => void (await ctl('-o', options, 'start'));
  const ctlArgs = ['-D', data, '-w', '-m', 'immediate', 'stop'];
  // A test process that ends without stopping it (a crash, a timeout) still leaves no server behind.
  const onExit = () => {
    try {
      execFileSync(...pgCommand('pg_ctl', ctlArgs), { stdio: 'ignore' });
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  let stopped: Promise<void> | undefined;
  const stop = () => {
    process.off('exit', onExit);
    stopped ??= pgTool('pg_ctl', ctlArgs)
      .then(
        () => {},
        () => {},
      )
      .finally(() => rmSync(dir, { recursive: true, force: true }));
    return stopped;
  };
  try {
    await pgTool('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
      '--no-instructions',
    ]);
    await start();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    shutdown: async () => void (await ctl('-m', 'fast', 'stop')),
    start,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
