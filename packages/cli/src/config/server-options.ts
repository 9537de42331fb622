/**
 * The settings of `tacet server` and of the commands that work on its data
 * (backup, restore, admin): the same layers, the same defaults.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverDataDir } from '../paths.js';
import { loadSettings } from './load-settings.js';

/**
 * The built web client: next to the installed package (`web/`, put there by
 * `npm pack`, see scripts/bundle-web.mjs) or packages/web/dist in a checkout.
 */
export function bundledWebDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [resolve(here, '..', '..', 'web'), resolve(here, '..', '..', '..', 'web', 'dist')])
    if (existsSync(join(dir, 'index.html'))) return dir;
  return undefined;
}

export type ServerOptions = Record<string, string | undefined> & { config?: string; printConfig?: boolean };

/** The effective settings for these options: the same layers `tacet server` itself uses. */
export function loadServerSettings(o: ServerOptions) {
  const file = o.config ?? process.env.TACET_CONFIG;
  return loadSettings({
    flags: o,
    env: process.env,
    ...(file ? { file } : {}),
    defaults: { data_dir: serverDataDir(), web_dir: bundledWebDir() },
  });
}
