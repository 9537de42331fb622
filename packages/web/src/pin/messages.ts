/**
 * Messages between the page and the pinning service worker. Types only, so
 * the page bundle and sw.js share no runtime chunk.
 */

/** Page -> worker. */
export type PinRequest =
  | { type: 'pin-status' }
  | { type: 'pin-check' }
  | { type: 'pin-accept'; hash: string };

/** Worker -> page. `offered` is set while the server serves code other than the pinned bundle. */
export type PinReply =
  | { type: 'pin-status'; pinned: string | null; offered: string | null }
  | { type: 'pin-accepted'; hash: string }
  | { type: 'pin-error'; message: string };
