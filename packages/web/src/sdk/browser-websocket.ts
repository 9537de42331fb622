/**
 * The client SDK's WebSocket factory for browsers. Browsers cannot set
 * request headers on a WebSocket, so the login travels only in the
 * subprotocol list (the SDK puts it there for exactly this reason).
 */
import type { WebSocketFactory, WebSocketLike } from '@tacet/client';

/** @example TacetClient.open({ store, webSocket: browserWebSocket }) */
export const browserWebSocket: WebSocketFactory = (url, protocols) =>
  new WebSocket(url, protocols) as unknown as WebSocketLike;
