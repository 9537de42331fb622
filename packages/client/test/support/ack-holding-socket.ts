/**
 * A client WebSocket between a real client and a real server that plays a
 * slow or lossy network on the test's command: it counts the client's sends,
 * can hold the server's acks back (release them later, in order), swallow
 * sends so that the server never gets them, and cut the connection.
 */
import { decodeClientFrame, decodeServerFrame } from '@tacet/wire';
import { nodeWebSocket } from '../../src/index.node.js';
import type { WebSocketFactory, WebSocketLike } from '../../src/transport/connection.js';

export interface AckHoldingSocket {
  readonly factory: WebSocketFactory;
  /** Message ids (hex) of every send frame the client wrote, in order. */
  readonly sends: string[];
  /** Acks arrive no more until `release`. */
  hold(): void;
  /** Sends go nowhere (no ack ever comes) until `pass`. */
  swallow(): void;
  /** Back to a plain connection; held acks are handed over, in order. */
  pass(): void;
  /** Drops the current connection abruptly, as a lost network does. */
  cut(): void;
}

type MessageEvent = { data: unknown };

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytesOf = (d: unknown) => (d instanceof ArrayBuffer ? new Uint8Array(d) : (d as Uint8Array));

export function ackHoldingSocket(): AckHoldingSocket {
  const state = { mode: 'pass' as 'pass' | 'hold' | 'swallow' };
  const sends: string[] = [];
  const held: Array<() => void> = [];
  let current: { terminate(): void } | undefined;

  const factory: WebSocketFactory = (url, protocols, headers) => {
    const inner = nodeWebSocket(url, protocols, headers);
    current = inner as unknown as { terminate(): void };
    const outer: WebSocketLike = {
      get binaryType() {
        return inner.binaryType;
      },
      set binaryType(v: string) {
        inner.binaryType = v;
      },
      get readyState() {
        return inner.readyState;
      },
      send(data) {
        const f = decodeClientFrame(data);
        if (f.kind.case === 'send') {
          sends.push(hex(f.kind.value.id));
          if (state.mode === 'swallow') return;
        }
        inner.send(data);
      },
      close: (code, reason) => inner.close(code, reason),
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
    };
    inner.onopen = (e) => outer.onopen?.(e);
    inner.onerror = (e) => outer.onerror?.(e);
    inner.onclose = (e) => outer.onclose?.(e);
    inner.onmessage = (e: MessageEvent) => {
      const isAck = decodeServerFrame(bytesOf(e.data)).kind.case === 'sendResult';
      if (isAck && state.mode === 'hold') held.push(() => outer.onmessage?.(e));
      else outer.onmessage?.(e);
    };
    return outer;
  };

  return {
    factory,
    sends,
    hold: () => {
      state.mode = 'hold';
    },
    swallow: () => {
      state.mode = 'swallow';
    },
    pass: () => {
      state.mode = 'pass';
      for (const deliver of held.splice(0)) deliver();
    },
    cut: () => current?.terminate(),
  };
}
