/**
 * The pinning service worker. On first install it downloads the bundle the
 * server offers, checks every file against the asset manifest and pins it
 * (trust on first use). From then on it serves only the pinned files; when
 * the server's manifest changes it tells every open page the old and the new
 * hash, and swaps bundles only when the person accepts.
 *
 * @NOTE The browser itself updates sw.js when its bytes change; that script
 * is kept free of imports and release-specific content so honest releases
 * never touch it. See packages/web/README.md for what this does not cover.
 */
import type { PinReply, PinRequest } from '../pin/messages.js';
import { type Bundle, fetchBundle, MANIFEST_PATH } from './manifest.js';
import {
  bundleCacheName,
  downloadBundle,
  dropOtherBundles,
  readPinState,
  writePinState,
} from './pin-store.js';

declare const self: ServiceWorkerGlobalScope;

const CHECK_INTERVAL_MS = 5_000;
let lastCheck = 0;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const state = await readPinState();
      if (!state.pinned) {
        const bundle = await fetchBundle();
        await downloadBundle(bundle);
        await writePinState({ pinned: bundle, offered: null });
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const { pinned } = await readPinState();
      if (pinned) await dropOtherBundles(pinned.hash);
      await self.clients.claim();
    })(),
  );
});

function isBundleRequest(request: Request, url: URL): boolean {
  if (request.method !== 'GET' || url.origin !== self.location.origin) return false;
  return url.pathname !== MANIFEST_PATH && !url.pathname.startsWith('/v1/');
}

async function servePinned(request: Request, url: URL): Promise<Response> {
  const { pinned } = await readPinState();
  const path = request.mode === 'navigate' && url.pathname === '/' ? '/index.html' : url.pathname;
  if (pinned && path in pinned.files) {
    const hit = await (await caches.open(bundleCacheName(pinned.hash))).match(path);
    if (hit) return hit;
  }
  return fetch(request);
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (!isBundleRequest(event.request, url)) return;
  event.respondWith(servePinned(event.request, url));
  if (event.request.mode === 'navigate') event.waitUntil(checkForChange(true));
});

async function broadcast(reply: PinReply): Promise<void> {
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) client.postMessage(reply);
}

async function statusReply(): Promise<PinReply> {
  const { pinned, offered } = await readPinState();
  return { type: 'pin-status', pinned: pinned?.hash ?? null, offered: offered?.hash ?? null };
}

/** Compares the server's manifest with the pin; a difference is recorded and announced. */
async function checkForChange(force: boolean): Promise<void> {
  if (!force && Date.now() - lastCheck < CHECK_INTERVAL_MS) return;
  lastCheck = Date.now();
  const state = await readPinState();
  if (!state.pinned) return;
  let current: Bundle;
  try {
    current = await fetchBundle();
  } catch {
    return; // offline or a broken manifest: keep serving the pin, nothing to offer
  }
  const offered = current.hash === state.pinned.hash ? null : current;
  if (offered?.hash === state.offered?.hash) return;
  await writePinState({ pinned: state.pinned, offered });
  await broadcast(await statusReply());
}

async function accept(hash: string): Promise<PinReply> {
  const state = await readPinState();
  if (!state.offered || state.offered.hash !== hash) {
    return { type: 'pin-error', message: 'That bundle is no longer offered; reload and compare again.' };
  }
  try {
    await downloadBundle(state.offered);
  } catch (err) {
    return { type: 'pin-error', message: `The new bundle failed verification: ${String(err)}` };
  }
  await writePinState({ pinned: state.offered, offered: null });
  await dropOtherBundles(hash);
  return { type: 'pin-accepted', hash };
}

async function handle(request: PinRequest): Promise<PinReply> {
  if (request.type === 'pin-accept') return accept(request.hash);
  if (request.type === 'pin-check') await checkForChange(false);
  return statusReply();
}

self.addEventListener('message', (event) => {
  const request = event.data as PinRequest;
  const source = event.source;
  if (!source || typeof request?.type !== 'string') return;
  event.waitUntil(handle(request).then((reply) => source.postMessage(reply)));
});
