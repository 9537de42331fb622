/**
 * Web Worker that solves the registration proof-of-work off the main thread,
 * reporting how many hashes it has tried so the page can show progress.
 */
import { solvePow } from '@tacet/wire';
import type { PowProgress, PowTask } from './pow-messages.js';

const SLICE = 20_000;

interface WorkerScope {
  onmessage: ((event: MessageEvent<PowTask>) => void) | null;
  postMessage(message: PowProgress): void;
}
const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  const { challenge, bits } = event.data;
  try {
    for (let start = 0; ; start += SLICE) {
      const nonce = solvePow(challenge, bits, start, SLICE);
      if (nonce >= 0) {
        scope.postMessage({ type: 'done', nonce, tried: nonce + 1 });
        return;
      }
      scope.postMessage({ type: 'progress', tried: start + SLICE });
    }
  } catch (err) {
    scope.postMessage({ type: 'error', message: String(err) });
  }
};
