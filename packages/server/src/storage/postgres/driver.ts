/**
 * The subset of `pg` this adapter uses, declared here rather than imported
 * so the stores depend on a small surface (and on no driver types), and the
 * pool that implements it: bounded size, timeouts so an unreachable database
 * fails fast instead of hanging a send, and an error listener so a server
 * restart that kills idle connections never crashes the process.
 */
import pg from 'pg';

/** A query result: rows as plain objects. */
export interface PgResult<Row> {
  rows: Row[];
  rowCount: number | null;
}

/** Anything that runs a parameterised query: the pool or one checked-out client. */
export interface PgQueryable {
  query<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<PgResult<Row>>;
}

/** A client checked out of the pool for a transaction. */
export interface PgClient extends PgQueryable {
  /** Returns the client; pass an error to discard a broken connection. */
  release(err?: Error | boolean): void;
}

/** The pool: queries, checkouts, shutdown. */
export interface PgPool extends PgQueryable {
  connect(): Promise<PgClient>;
  end(): Promise<void>;
}

/** Connection options of {@link createPool}. */
export interface PgPoolOptions {
  /** `postgres://user@host:port/database`. */
  connectionString: string;
  /** Connections per node. Default 8 (a server has 100 by default; leave room for other nodes). */
  max?: number;
  /** Called when an idle connection fails (for example the database restarted). */
  onIdleError?: (err: Error) => void;
}

/** How long to wait for a connection before the operation fails as unavailable. */
const CONNECT_TIMEOUT_MS = 3_000;
/** Longest a single statement may run; a send waiting longer is refused and retried by the client. */
const STATEMENT_TIMEOUT_MS = 10_000;

/** Opens a bounded pool. No connection is made until the first query. */
export function createPool(options: PgPoolOptions): PgPool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 8,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: STATEMENT_TIMEOUT_MS + 1_000,
    application_name: 'tacet',
    // Short statements only: JIT compilation would cost more than it saves.
    options: '-c jit=off',
  });
  // Without a listener an idle client's error would be an unhandled 'error' event.
  pool.on('error', (err) => options.onIdleError?.(err));
  return {
    query: (text, values) => pool.query(text, values) as never,
    connect: () => checkout(pool),
    end: () => pool.end(),
  };
}

/**
 * Checks a client out with an 'error' listener of its own: the pool listens
 * only to idle clients, so a connection that dies while checked out (the
 * database restarting between two statements of a transaction) would
 * otherwise crash the process. Such a client is discarded on release.
 */
async function checkout(pool: pg.Pool): Promise<PgClient> {
  const client = await pool.connect();
  let failed: Error | undefined;
  const onError = (err: Error) => {
    failed = err;
  };
  client.on('error', onError);
  return {
    query: (text, values) => client.query(text, values) as never,
    release(err) {
      client.off('error', onError);
      client.release(err || failed || false);
    },
  };
}

/**
 * Runs `work` in a transaction on one client: COMMIT if it resolves,
 * ROLLBACK if it throws. A client whose connection broke is discarded.
 */
export async function withTransaction<T>(pool: PgPool, work: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const value = await work(client);
    await client.query('COMMIT');
    return value;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      broken = rollbackErr as Error;
    }
    throw err;
  } finally {
    client.release(broken ?? false);
  }
}

/** Converts an int8 column (a string from `pg`) to a number; queue values stay far below 2^53. */
export function int(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}
