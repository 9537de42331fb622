/**
 * WebSocket upgrades at GET /v1/ws: authenticated from the upgrade request
 * itself (Authorization header, or the tacet.auth.* subprotocol for
 * browsers) before the handshake completes, so an unauthenticated client
 * never holds a WebSocket.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { MAX_FRAME_BYTES } from '@tacet/wire';
import { WebSocketServer } from 'ws';
import type { ServerContext } from '../context.js';
import { authenticate } from '../http/auth.js';
import { errorFields } from '../logger.js';
import { DeviceConnection } from './connection.js';

/** The subprotocol clients offer (alongside tacet.auth.* in browsers). */
export const WS_PROTOCOL = 'tacet.v1';

function refuse(socket: Duplex, status: number, text: string): void {
  const body = JSON.stringify({ error: { code: text, message: text } });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
}

/** Attaches the /v1/ws upgrade handler to `server`; returns the WebSocketServer. */
export function attachWebSockets(ctx: ServerContext, server: Server): WebSocketServer {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/v1/ws') return refuse(socket, 404, 'not_found');
    if (ctx.draining) return refuse(socket, 503, 'unavailable');
    const protocols = req.headers['sec-websocket-protocol'];
    authenticate(ctx, req.headers.authorization, typeof protocols === 'string' ? protocols : undefined)
      .then((device) => {
        if (!device) {
          ctx.errors.count('unauthorized');
          return refuse(socket, 401, 'unauthorized');
        }
        if (ctx.draining) return refuse(socket, 503, 'unavailable');
        wss.handleUpgrade(req, socket, head, (ws) => new DeviceConnection(ctx, ws, device).start());
      })
      .catch((err) => {
        ctx.logger.warn('upgrade failed', errorFields(err));
        refuse(socket, 503, 'unavailable');
      });
  });
  return wss;
}
