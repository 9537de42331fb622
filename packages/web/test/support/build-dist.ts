/**
 * Builds packages/web/dist with Vite's JS API when it is missing or older
 * than any source it is made of (the web app and the packages it bundles).
 * Test files run in parallel processes, so the build holds a directory lock.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

/** packages/web */
export const WEB_DIR = resolve(import.meta.dirname, '..', '..');
/** The built client the server serves. */
export const DIST_DIR = join(WEB_DIR, 'dist');
const PACKAGES = resolve(WEB_DIR, '..');
const SOURCES = [
  join(WEB_DIR, 'src'),
  join(WEB_DIR, 'public'),
  join(WEB_DIR, 'tools'),
  join(WEB_DIR, 'index.html'),
  join(WEB_DIR, 'vite.config.ts'),
  join(PACKAGES, 'client', 'src'),
  join(PACKAGES, 'wire', 'src'),
  join(PACKAGES, 'protocol', 'src'),
];
const LOCK = join(WEB_DIR, 'node_modules', '.tacet-web-build.lock');

function newestMtime(path: string): number {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), st.mtimeMs);
}

function isFresh(): boolean {
  const built = newestMtime(join(DIST_DIR, 'asset-manifest.json'));
  return built > 0 && SOURCES.every((s) => newestMtime(s) <= built);
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(join(WEB_DIR, 'node_modules'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock older than two minutes belongs to a crashed run.
      if (Date.now() - newestMtime(LOCK) > 120_000) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Makes sure dist is current; returns its path. */
export async function ensureDist(): Promise<string> {
  if (isFresh()) return DIST_DIR;
  await withLock(async () => {
    if (!isFresh()) await build({ configFile: join(WEB_DIR, 'vite.config.ts'), logLevel: 'warn' });
  });
  return DIST_DIR;
}
