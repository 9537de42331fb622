/**
 * Opening a profile for one command: find the directory, ask for the
 * passphrase, open the encrypted store and the client; and, on the way out,
 * close everything and hand pending expiries to the reaper.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ClientStore, TacetClient } from '@tacet/client';
import { nodeWebSocket, openSqliteStore, STORE_FILE, shredFile } from '@tacet/client/node';
import { CliError } from './cli-error.js';
import { profileDir } from './paths.js';
import { passphrase } from './prompt.js';
import { ensureReaper } from './reaper.js';

export interface GlobalOptions {
  profile?: string;
}

/** scrypt cost for new profiles; TACET_SCRYPT_LOG_N lowers it for tests (never below 2^14). */
function logN(): number | undefined {
  const v = process.env.TACET_SCRYPT_LOG_N;
  return v ? Number(v) : undefined;
}

/** Opens (or with `create`, creates) the profile's store. */
export async function openStore(
  g: GlobalOptions,
  create = false,
): Promise<{ dir: string; store: ClientStore }> {
  const dir = profileDir(g.profile);
  const exists = existsSync(join(dir, STORE_FILE));
  if (!exists && !create) {
    throw new CliError(
      `no tacet profile in ${dir}; create one with: tacet --profile ${dir} register --server URL`,
      2,
    );
  }
  const pass = await passphrase(!exists);
  const store = await openSqliteStore({ dir, passphrase: pass, logN: logN() });
  return { dir, store };
}

/** Runs `fn` with an open client, then closes it and starts the reaper if anything will expire. */
export async function withClient<T>(
  g: GlobalOptions,
  fn: (c: TacetClient, dir: string) => Promise<T>,
): Promise<T> {
  const { dir, store } = await openStore(g);
  let client: TacetClient;
  try {
    client = await TacetClient.open({ store, webSocket: nodeWebSocket, shredFile });
  } catch (e) {
    await store.close();
    throw e;
  }
  try {
    return await fn(client, dir);
  } finally {
    // The client's view: it includes deadlines set by writes it commits only on close.
    const next = await client.store.nextExpiry().catch(() => null);
    await client.close();
    if (next !== null) ensureReaper(dir);
  }
}
