/**
 * Where tacet keeps its files: $XDG_DATA_HOME/tacet (or ~/.local/share/tacet),
 * with `--profile DIR` or TACET_HOME choosing a client profile directly, so
 * several people can live on one machine.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function dataHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.XDG_DATA_HOME ? join(env.XDG_DATA_HOME, 'tacet') : join(homedir(), '.local', 'share', 'tacet');
}

/** The client profile directory for this invocation. */
export function profileDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  if (env.TACET_HOME) return resolve(env.TACET_HOME);
  return join(dataHome(env), 'profile');
}

/** The default data directory of `tacet server`. */
export function serverDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataHome(env), 'server');
}
