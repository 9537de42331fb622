/**
 * WebSockets on Node via `ws` (Node 20 has no global WebSocket). `ws` speaks
 * the WHATWG event-handler API, so it fits WebSocketLike as is; only here can
 * the Authorization header be set.
 */
import WebSocket from 'ws';
import type { WebSocketFactory, WebSocketLike } from './connection.js';

/** Largest frame accepted from the server (the wire's MAX_FRAME_BYTES plus headroom). */
const MAX_PAYLOAD = 2 * 1024 * 1024;

/** @example await TacetClient.open({ store, webSocket: nodeWebSocket }) */
export const nodeWebSocket: WebSocketFactory = (url, _protocols, headers) =>
  new WebSocket(url, { headers, maxPayload: MAX_PAYLOAD }) as unknown as WebSocketLike;
