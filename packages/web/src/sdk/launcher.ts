/**
 * Opens the messenger in this browser: one profile ("default") per origin,
 * stored in IndexedDB under the passphrase. Registration solves the
 * proof-of-work in a Web Worker, so the page stays responsive.
 */
import { TacetClient } from '@tacet/client';
import { deleteProfile, openIndexedDbStore, profileExists } from '@tacet/client/indexeddb';
import type { Launcher } from '../app/service.js';
import { shredOpfsFile } from '../attachments/opfs-files.js';
import { solvePowInWorker } from '../pow/solve-in-worker.js';
import { browserWebSocket } from './browser-websocket.js';
import { startSdkService } from './sdk-service.js';

const PROFILE = 'default';

/** Closes and deletes a profile that never became an account. */
async function discard(store: { close(): Promise<void> }): Promise<void> {
  await store.close();
  await deleteProfile(PROFILE);
}

/** @example render(<App launcher={createSdkLauncher(location.origin)} />, root) */
export function createSdkLauncher(serverUrl: string): Launcher {
  return {
    hasAccount: () => profileExists(PROFILE),

    async register(passphrase, onProgress) {
      const store = await openIndexedDbStore({ profile: PROFILE, passphrase });
      try {
        const client = await TacetClient.register({
          store,
          webSocket: browserWebSocket,
          shredFile: shredOpfsFile,
          serverUrl,
          onProgress: (attempts, expected) => onProgress(attempts / expected),
          solvePow: (challenge, bits, progress) =>
            solvePowInWorker(challenge, bits, (_fraction, tried) => progress?.(tried, 2 ** bits)),
        });
        return startSdkService(client);
      } catch (err) {
        // A half-made profile would ask for "unlock" next time and then fail: start over instead.
        await discard(store);
        throw err;
      }
    },

    wipe: () => deleteProfile(PROFILE),

    async beginLink(passphrase) {
      const store = await openIndexedDbStore({ profile: PROFILE, passphrase });
      // Nothing is kept before the link completes: a failed or cancelled link leaves no profile behind.
      const giveUp = () => discard(store);
      try {
        const link = await TacetClient.beginLink({
          store,
          webSocket: browserWebSocket,
          shredFile: shredOpfsFile,
          serverUrl,
        });
        return {
          code: link.code,
          expiresAt: link.expiresAt,
          comparison: () => link.comparison(),
          async confirm() {
            try {
              return startSdkService(await link.confirm());
            } catch (err) {
              await giveUp();
              throw err;
            }
          },
          async cancel() {
            await link.cancel().catch(() => undefined);
            await giveUp();
          },
        };
      } catch (err) {
        await giveUp();
        throw err;
      }
    },

    async unlock(passphrase) {
      // User Timing entries (local only) let bench/web.ts split the passphrase KDF from the app's own work.
      const start = performance.now();
      const store = await openIndexedDbStore({ profile: PROFILE, passphrase });
      performance.measure('tacet:open-store', { start });
      try {
        return startSdkService(
          await TacetClient.open({ store, webSocket: browserWebSocket, shredFile: shredOpfsFile }),
        );
      } catch (err) {
        await store.close();
        throw err;
      }
    },
  };
}
