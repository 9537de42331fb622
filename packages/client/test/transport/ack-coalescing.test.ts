/**
 * Acks coalesced per connection (transport/connection.ts): the first ack in
 * a while leaves at once, those given within the window after it leave
 * together in one frame when it ends, and close sends what still waits.
 */
import { decodeClientFrame, MAX_ACK_IDS } from '@tacet/wire';
import { describe, expect, it } from 'vitest';
import { Connection, type WebSocketLike } from '../../src/transport/connection.js';

/** A socket that opens at once and keeps the ack frames sent on it; `frames(n)` resolves at the n-th. */
function recordingSocket() {
  const acked: Uint8Array[][] = [];
  const waiting: Array<{ n: number; resolve: () => void }> = [];
  const ws: WebSocketLike = {
    binaryType: 'arraybuffer',
    readyState: 1,
    send(data) {
      const f = decodeClientFrame(data);
      if (f.kind.case === 'ack') acked.push(f.kind.value.ids);
      for (const w of waiting.filter((x) => x.n <= acked.length)) w.resolve();
    },
    close() {
      queueMicrotask(() => ws.onclose?.({ code: 1000, reason: 'bye' }));
    },
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
  };
  queueMicrotask(() => ws.onopen?.({}));
  const frames = (n: number) =>
    new Promise<void>((resolve) => (acked.length >= n ? resolve() : waiting.push({ n, resolve })));
  return { ws, acked, frames };
}

const id = (n: number) => new Uint8Array(16).fill(n);
const login = { headers: {}, protocols: [] };

describe('acks', () => {
  it('go at once when none went lately, then gathered in one frame at the window end', async () => {
    const s = recordingSocket();
    const conn = await Connection.open('ws://x', login, () => s.ws, { onEnvelope: async () => undefined });
    conn.ack([id(1)]);
    expect(s.acked).toEqual([[id(1)]]);
    conn.ack([id(2)]);
    conn.ack([id(3), id(4)]);
    expect(s.acked).toHaveLength(1);
    await s.frames(2);
    expect(s.acked[1]).toEqual([id(2), id(3), id(4)]);
    await conn.close();
  });

  it('go at once, split into frames the server takes, as soon as a full frame waits', async () => {
    const s = recordingSocket();
    const conn = await Connection.open('ws://x', login, () => s.ws, { onEnvelope: async () => undefined });
    conn.ack([id(1)]);
    const many = Array.from({ length: MAX_ACK_IDS + 1 }, (_, i) => id(i & 255));
    conn.ack(many);
    expect(s.acked.map((f) => f.length)).toEqual([1, MAX_ACK_IDS, 1]);
    await conn.close();
  });

  it('that still wait are sent before the socket closes', async () => {
    const s = recordingSocket();
    const conn = await Connection.open('ws://x', login, () => s.ws, { onEnvelope: async () => undefined });
    conn.ack([id(1)]);
    conn.ack([id(2)]);
    await conn.close();
    expect(s.acked).toEqual([[id(1)], [id(2)]]);
  });
});
