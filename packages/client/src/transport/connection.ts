/**
 * One authenticated WebSocket to the server: pipelined sends that resolve on
 * the server's SendResult (= durably stored), incoming envelopes handed over
 * one at a time in order, acks. Reconnecting is the caller's job (see
 * messenger.ts); this object lives exactly as long as its socket.
 */
import { decodeServerFrame, encodeClientFrame, MAX_ACK_IDS } from '@tacet/wire';
import { ClientError } from '../errors.js';
import { systemClock } from '../timers/clock.js';
import { CoalescingWindow } from '../timers/coalescing-window.js';

/**
 * Acks given within this long of the last ack frame wait and go in one
 * frame when the window ends: live traffic then costs one socket write per
 * window for its acks, not one per message. Nobody waits for an ack (the
 * server only deletes what it acknowledges), and one lost with the socket
 * only brings that envelope again, which the inbox drops as seen.
 */
export const ACK_WINDOW_MS = 200;

/** The subset of the WHATWG WebSocket the client uses (browser or `ws`). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/**
 * Opens a socket. The login goes both as an `Authorization` header (Node can
 * set one) and as a `tacet.auth.*` subprotocol (browsers cannot set headers).
 */
export type WebSocketFactory = (
  url: string,
  protocols: string[],
  headers: Record<string, string>,
) => WebSocketLike;

/** An envelope as delivered to this device. */
export interface IncomingEnvelope {
  readonly id: Uint8Array;
  readonly content: Uint8Array;
  readonly serverTimestamp: number;
}

export interface ConnectionHandlers {
  /** Called for each envelope in order; the next waits until this settles. */
  onEnvelope(e: IncomingEnvelope, from: Connection): Promise<void>;
  /** A handler failed (a bug, never outside input): reported, not swallowed. */
  onError?(e: unknown): void;
  /** The server finished sending what was queued before this connection. */
  onDrained?(): void;
  onClose?(reason: string): void;
}

export interface OutgoingSend {
  readonly id: Uint8Array;
  readonly ttlSeconds: number;
  readonly envelopes: ReadonlyArray<{ accountId: Uint8Array; deviceId: number; content: Uint8Array }>;
  /** Every listed device of each addressed account is meant: the server answers missing_device otherwise. */
  readonly allDevices?: boolean;
}

/** How a socket proves which device it is. */
export interface WsLogin {
  readonly headers: Record<string, string>;
  readonly protocols: string[];
}

type Pending = { resolve: () => void; reject: (e: Error) => void };

/** @example const c = await Connection.open(url, headers, factory, { onEnvelope }); await c.send(s); */
export class Connection {
  readonly #ws: WebSocketLike;
  readonly #h: ConnectionHandlers;
  readonly #pending = new Map<number, Pending>();
  #nextRequest = 1;
  /** Envelope ids stored here, waiting for their ack frame. */
  #acks: Uint8Array[] = [];
  // A real timer, not the injected clock: when acks go is about socket writes, not time shown to anyone.
  readonly #ackWindow = new CoalescingWindow<'acks'>(systemClock, ACK_WINDOW_MS, () => this.#sendAcks());
  #chain: Promise<void> = Promise.resolve();
  #closed = false;
  #socketClosed!: () => void;
  readonly #socketGone = new Promise<void>((r) => {
    this.#socketClosed = r;
  });

  private constructor(ws: WebSocketLike, h: ConnectionHandlers) {
    this.#ws = ws;
    this.#h = h;
  }

  /** Resolves once the socket is open; rejects with ServerUnreachable otherwise. */
  static open(url: string, login: WsLogin, factory: WebSocketFactory, h: ConnectionHandlers) {
    return new Promise<Connection>((resolve, reject) => {
      const ws = factory(url, login.protocols, login.headers);
      ws.binaryType = 'arraybuffer';
      const c = new Connection(ws, h);
      ws.onopen = () => resolve(c);
      ws.onerror = () => undefined;
      ws.onclose = (ev) => {
        c.#socketClosed();
        c.#onClose(`${ev.code} ${ev.reason}`.trim());
        const why = ev.code === 1006 ? 'no answer' : `closed: ${ev.code} ${ev.reason}`.trim();
        reject(
          new ClientError(
            'ServerUnreachable',
            `cannot reach the tacet server at ${url} (${why}); is it running?`,
          ),
        );
      };
      ws.onmessage = (ev) => c.#onMessage(ev.data);
    });
  }

  get isOpen(): boolean {
    return !this.#closed;
  }

  /** Resolves when the server has durably stored the message. */
  send(s: OutgoingSend): Promise<void> {
    if (this.#closed) return Promise.reject(new ClientError('Closed', 'connection closed'));
    const requestId = this.#nextRequest++;
    const done = new Promise<void>((resolve, reject) => this.#pending.set(requestId, { resolve, reject }));
    this.#ws.send(
      encodeClientFrame({
        requestId,
        kind: {
          case: 'send',
          value: {
            id: s.id,
            ttlSeconds: s.ttlSeconds,
            envelopes: [...s.envelopes],
            allDevices: s.allDevices ?? false,
          },
        },
      }),
    );
    return done;
  }

  /**
   * Tells the server these envelopes are stored here; it deletes them. The
   * first acks in a while go at once, later ones with the window's end (or
   * as soon as a frame is full).
   */
  ack(ids: Uint8Array[]): void {
    if (this.#closed || ids.length === 0) return;
    this.#acks.push(...ids);
    if (this.#acks.length >= MAX_ACK_IDS || this.#ackWindow.admit('acks')) this.#sendAcks();
    else this.#ackWindow.wait('acks');
  }

  #sendAcks(): void {
    if (this.#closed || this.#acks.length === 0) return;
    this.#ackWindow.restart('acks');
    const ids = this.#acks;
    this.#acks = [];
    for (let i = 0; i < ids.length; i += MAX_ACK_IDS)
      this.#ws.send(
        encodeClientFrame({
          requestId: 0,
          kind: { case: 'ack', value: { ids: ids.slice(i, i + MAX_ACK_IDS) } },
        }),
      );
  }

  /** Closes the socket, the waiting acks sent first; resolves when the close handshake is done (or after a second). */
  async close(): Promise<void> {
    this.#sendAcks();
    if (!this.#closed) this.#ws.close(1000, 'bye');
    this.#onClose('closed by client');
    await Promise.race([this.#socketGone, new Promise((r) => setTimeout(r, 1000))]);
  }

  #onMessage(data: unknown): void {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Uint8Array);
    let frame: ReturnType<typeof decodeServerFrame>;
    try {
      frame = decodeServerFrame(bytes);
    } catch {
      this.#ws.close(1002, 'malformed frame');
      return;
    }
    const k = frame.kind;
    if (k.case === 'sendResult') this.#settle(k.value);
    else if (k.case === 'envelope') {
      const e = {
        id: k.value.id,
        content: k.value.content,
        serverTimestamp: Number(k.value.serverTimestampMs),
      };
      this.#chain = this.#chain
        .then(() => this.#h.onEnvelope(e, this))
        .catch((err: unknown) => this.#h.onError?.(err));
    } else if (k.case === 'queueDrained') this.#chain = this.#chain.then(() => this.#h.onDrained?.());
    else if (k.case === 'error') this.#onClose(`server error ${k.value.code}: ${k.value.message}`);
  }

  #settle(r: { requestId: number; ok: boolean; errorCode: string; errorMessage: string }): void {
    const p = this.#pending.get(r.requestId);
    if (!p) return;
    this.#pending.delete(r.requestId);
    if (r.ok) p.resolve();
    else {
      const msg = `server refused the message: ${r.errorMessage} (${r.errorCode})`;
      p.reject(new ClientError('ServerError', msg, { code: r.errorCode }));
    }
  }

  #onClose(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ackWindow.close();
    this.#acks = [];
    for (const p of this.#pending.values()) p.reject(new ClientError('Closed', `connection lost: ${reason}`));
    this.#pending.clear();
    this.#h.onClose?.(reason);
  }
}
