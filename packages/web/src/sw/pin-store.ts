/**
 * The pin: which bundle this browser runs, and which other bundle the server
 * offers. Kept in the Cache API (a service worker has no localStorage), so it
 * survives worker restarts and honest worker updates alike.
 */
import { type Bundle, sha256Hex } from './manifest.js';

const META_CACHE = 'tacet-pin-meta';
const META_KEY = '/__tacet/pin-state';
const BUNDLE_CACHE_PREFIX = 'tacet-bundle-';

/** What the worker remembers. */
export interface PinState {
  pinned: Bundle | null;
  offered: Bundle | null;
}

let memo: PinState | undefined;

/** Reads the pin state (memoized for the worker's lifetime). */
export async function readPinState(): Promise<PinState> {
  if (memo) return memo;
  const res = await (await caches.open(META_CACHE)).match(META_KEY);
  memo = res ? ((await res.json()) as PinState) : { pinned: null, offered: null };
  return memo;
}

/** Replaces the pin state. */
export async function writePinState(state: PinState): Promise<void> {
  memo = state;
  const body = JSON.stringify(state);
  await (await caches.open(META_CACHE)).put(
    META_KEY,
    new Response(body, { headers: { 'content-type': 'application/json' } }),
  );
}

/** Name of the cache that holds one bundle's files. */
export function bundleCacheName(hash: string): string {
  return `${BUNDLE_CACHE_PREFIX}${hash}`;
}

/**
 * Downloads every file of `bundle` and stores it only if its SHA-256 matches
 * the manifest, so a pinned bundle is exactly what its hash says.
 */
export async function downloadBundle(bundle: Bundle): Promise<void> {
  const cache = await caches.open(bundleCacheName(bundle.hash));
  for (const [path, expected] of Object.entries(bundle.files)) {
    const res = await fetch(path, { cache: 'no-store', credentials: 'omit' });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    const bytes = await res.clone().arrayBuffer();
    const actual = await sha256Hex(bytes);
    if (actual !== expected)
      throw new Error(`${path}: hash ${actual} does not match the manifest's ${expected}`);
    await cache.put(path, res);
  }
}

/** Deletes bundle caches other than the pinned one. */
export async function dropOtherBundles(keepHash: string): Promise<void> {
  for (const name of await caches.keys()) {
    if (name.startsWith(BUNDLE_CACHE_PREFIX) && name !== bundleCacheName(keepHash)) await caches.delete(name);
  }
}
