/**
 * The client SDK's WebSocket factory for browsers. Browsers cannot set
 * request headers on a WebSocket, so the login travels only in the
 * subprotocol list (the SDK puts it there for exactly this reason).
 *
 * A browser waits a long time for a handshake that never completes; the SDK
 * would wait with it. Giving up after a few seconds turns a stuck handshake
 * into an ordinary failed attempt, which is retried.
 */
import type { WebSocketFactory, WebSocketLike } from '@tacet/client';

/** How long a handshake may take before the attempt counts as failed. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/** @example TacetClient.open({ store, webSocket: browserWebSocket }) */
export const browserWebSocket: WebSocketFactory = (url, protocols) => {
  const ws = new WebSocket(url, protocols);
  const timer = setTimeout(() => {
    if (ws.readyState === WebSocket.CONNECTING) ws.close(); // fires close (1006): the SDK retries
  }, HANDSHAKE_TIMEOUT_MS);
  const stop = () => clearTimeout(timer);
  ws.addEventListener('open', stop);
  ws.addEventListener('close', stop);
  return ws as unknown as WebSocketLike;
};
