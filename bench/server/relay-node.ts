/**
 * The ceiling: a bare `ws` relay with no persistence. It speaks the same
 * frames as tacet (so the load generator is identical), identifies clients
 * by `?id=<hex>` without any authentication, forwards each envelope to the
 * recipient's socket if connected, and acks the sender at once.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeClientFrame, encodeServerFrame } from '@tacet/wire';
import { type WebSocket, WebSocketServer } from 'ws';
import { answerLoop, memory, type NodeCommand, reply } from './ipc.js';
import { watchLoop } from './loop-stats.js';

const sockets = new Map<string, WebSocket>();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const http = createServer();
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 1024 * 1024 });

wss.on('connection', (ws, req) => {
  const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
  sockets.set(id, ws);
  ws.on('close', () => sockets.get(id) === ws && sockets.delete(id));
  ws.on('message', (data: Buffer) => {
    const frame = decodeClientFrame(new Uint8Array(data));
    if (frame.kind.case !== 'send') return;
    const send = frame.kind.value;
    const now = BigInt(Date.now());
    for (const e of send.envelopes) {
      const out = encodeServerFrame({
        kind: {
          case: 'envelope',
          value: { id: send.id, content: e.content, serverTimestampMs: now, expiresAtMs: now },
        },
      });
      sockets.get(`${hex(e.accountId)}.${e.deviceId}`)?.send(out);
    }
    ws.send(
      encodeServerFrame({
        kind: { case: 'sendResult', value: { requestId: frame.requestId, id: send.id, ok: true } },
      }),
    );
  });
});

http.listen(0, '127.0.0.1', () => {
  reply({ type: 'listening', url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` });
});
const loop = watchLoop();
process.on('message', (cmd: NodeCommand) => {
  if (answerLoop(cmd, loop)) return;
  if (cmd.type === 'rss') reply({ type: 'rss', ...memory() });
  if (cmd.type === 'close') {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    http.close(() => process.disconnect());
  }
});
