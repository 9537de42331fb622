/**
 * Solves the registration proof-of-work in a Web Worker, so the page stays
 * responsive, and reports progress as a fraction of the expected work.
 */
import type { PowProgress, PowTask } from './pow-messages.js';

/** Progress callback: `fraction` of the expected 2^bits hashes tried so far (may exceed 1). */
export type PowProgressListener = (fraction: number, tried: number) => void;

/**
 * @example const nonce = await solvePowInWorker(challenge, 20, (f) => bar.value = f);
 */
export function solvePowInWorker(
  challenge: string,
  bits: number,
  onProgress: PowProgressListener = () => undefined,
  signal?: AbortSignal,
): Promise<number> {
  const worker = new Worker(new URL('./pow-worker.ts', import.meta.url), { type: 'module' });
  const expected = 2 ** bits;
  return new Promise<number>((resolve, reject) => {
    const stop = () => worker.terminate();
    signal?.addEventListener('abort', () => {
      stop();
      reject(signal.reason);
    });
    worker.onmessage = (event: MessageEvent<PowProgress>) => {
      const msg = event.data;
      if (msg.type === 'progress') onProgress(msg.tried / expected, msg.tried);
      else if (msg.type === 'done') {
        onProgress(1, msg.tried);
        stop();
        resolve(msg.nonce);
      } else {
        stop();
        reject(new Error(msg.message));
      }
    };
    worker.onerror = (event) => {
      stop();
      reject(new Error(event.message || 'proof-of-work worker failed'));
    };
    worker.postMessage({ challenge, bits } satisfies PowTask);
  });
}
