/** Messages between the page and the proof-of-work worker. */

/** Page -> worker: solve this challenge. */
export interface PowTask {
  challenge: string;
  bits: number;
}

/** Worker -> page. */
export type PowProgress =
  | { type: 'progress'; tried: number }
  | { type: 'done'; nonce: number; tried: number }
  | { type: 'error'; message: string };
