/**
 * Benchmarks measure the TypeScript sources, not dist/: a bench entry point
 * started without the "source" export condition re-runs itself with it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * When this process lacks `--conditions=source`, runs `entryUrl` again in a
 * child with it (plus `extraFlags`), sets the exit code and returns true; the
 * caller then does nothing more. Returns false when already under the condition.
 *
 * @example
 * if (!rerunWithSource(import.meta.url)) await main();
 */
export function rerunWithSource(entryUrl: string, extraFlags: string[] = []): boolean {
  if (process.execArgv.some((a) => a.includes('conditions=source'))) return false;
  const args = [
    '--conditions=source',
    ...extraFlags,
    ...process.execArgv,
    fileURLToPath(entryUrl),
    ...process.argv.slice(2),
  ];
  process.exitCode = spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1;
  return true;
}
