/**
 * One authenticated device connection: decodes client frames (a malformed
 * one closes this connection only), commits sends before acking them,
 * deletes acked envelopes, runs the delivery pump, and applies backpressure
 * both ways: it stops reading from a client with too many sends awaiting
 * commit, and stops delivering to a client that does not read.
 */
import { decodeClientFrame, ErrorCode, encodeServerFrame, type SendMessage, WireError } from '@tacet/wire';
import type { WebSocket } from 'ws';
import type { DeviceRecord } from '../accounts/account-store.js';
import type { ServerContext } from '../context.js';
import { type DeviceKey, deviceKey } from '../fanout/fanout.js';
import { MAX_PENDING_SENDS_PER_CONNECTION } from '../limits.js';
import { errorFields } from '../logger.js';
import { DeliveryPump } from './delivery-pump.js';
import type { HubConnection } from './hub.js';
import { processSend } from './send.js';

export class DeviceConnection implements HubConnection {
  readonly key: DeviceKey;
  readonly accountHex: string;
  private readonly pump: DeliveryPump;
  private readonly pending = new Set<Promise<void>>();
  private unflushed = 0;
  /** Pings sent since the client last showed life. */
  private missed = 0;
  private paused = false;
  private corked = false;
  private unsubscribe: () => void = () => {};

  constructor(
    private readonly ctx: ServerContext,
    private readonly ws: WebSocket,
    private readonly device: DeviceRecord,
  ) {
    this.key = deviceKey(device.accountId, device.deviceId);
    this.accountHex = this.key.split('.')[0] as string;
    this.pump = new DeliveryPump(ctx, device, this.sink(), (err) => this.fail(err));
  }

  get deliveryPaused(): boolean {
    return this.pump.waitingForDrain;
  }

  /** Wires events, joins the hub and starts delivering the stored queue. */
  start(): void {
    this.ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    this.ws.on('pong', () => {
      this.missed = 0;
    });
    this.ws.on('error', () => {});
    this.ws.on('close', () => this.onClose());
    this.ctx.hub.add(this);
    this.unsubscribe = this.ctx.fanout.subscribe(this.key, () => this.pump.wake());
    this.pump.wake();
  }

  /** Drops the connection after two unanswered pings (one late pong under load is forgiven). */
  heartbeat(): void {
    if (this.missed >= 2) {
      this.ws.terminate();
      return;
    }
    this.missed++;
    this.ws.ping();
  }

  close(code: number, reason: string): void {
    this.pump.stop();
    this.ws.close(code, reason);
  }

  async drain(): Promise<void> {
    this.pump.stop();
    this.ws.pause();
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    // Read again so the close handshake completes; frames arriving now are ignored (never acked).
    this.ws.resume();
    this.ws.close(1001, 'server shutting down');
  }

  private sink() {
    return {
      unflushedBytes: () => Math.max(this.unflushed, this.ws.bufferedAmount),
      isOpen: () => this.ws.readyState === this.ws.OPEN,
      sendEnvelope: (e: {
        id: Uint8Array;
        content: Uint8Array;
        serverTimestamp: number;
        expiresAt: number;
      }) =>
        this.send(
          encodeServerFrame({
            kind: {
              case: 'envelope',
              value: {
                id: e.id,
                content: e.content,
                serverTimestampMs: BigInt(e.serverTimestamp),
                expiresAtMs: BigInt(e.expiresAt),
              },
            },
          }),
        ),
      sendQueueDrained: () => this.send(encodeServerFrame({ kind: { case: 'queueDrained', value: {} } })),
    };
  }

  private send(bytes: Uint8Array): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.corkUntilTickEnds();
    this.unflushed += bytes.length;
    this.ws.send(bytes, () => {
      this.unflushed -= bytes.length;
      this.pump.onFlushed();
    });
  }

  /**
   * Frames sent to this socket in one tick (the sends acked by one commit, a
   * batch of queued envelopes) leave in one writev instead of one syscall each.
   * @NOTE `ws` has no public cork; its socket is reached through `_socket`,
   * and without it frames are simply written one by one.
   */
  private corkUntilTickEnds(): void {
    if (this.corked) return;
    const socket = (this.ws as unknown as { _socket?: { cork?: () => void; uncork: () => void } })._socket;
    if (typeof socket?.cork !== 'function') return;
    this.corked = true;
    socket.cork();
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    this.missed = 0;
    // Once closing (refused frame, replaced, shutdown), nothing more is taken from this client.
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (!isBinary) {
      this.reject(1003, new WireError(ErrorCode.BadRequest, 'frames must be binary', 'frame'));
      return;
    }
    let frame: ReturnType<typeof decodeClientFrame>;
    try {
      frame = decodeClientFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    } catch (err) {
      this.reject(1008, err instanceof WireError ? err : new WireError(ErrorCode.BadRequest, 'bad frame'));
      return;
    }
    if (frame.kind.case === 'send') this.track(this.onSend(frame.requestId, frame.kind.value));
    else if (frame.kind.case === 'ack') this.track(this.onAck(frame.kind.value.ids));
  }

  /** Refuses a malformed frame: tells the client why, then closes this connection only. */
  private reject(code: number, err: WireError): void {
    this.ctx.metrics.framesRejected.inc();
    this.ctx.errors.count(err.code);
    this.send(
      encodeServerFrame({ kind: { case: 'error', value: { code: err.code, message: err.message } } }),
    );
    this.close(code, err.code);
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    if (this.pending.size >= MAX_PENDING_SENDS_PER_CONNECTION && !this.paused) {
      this.paused = true;
      this.ws.pause();
    }
    work.finally(() => {
      this.pending.delete(work);
      if (this.paused && this.pending.size < MAX_PENDING_SENDS_PER_CONNECTION / 2) {
        this.paused = false;
        this.ws.resume();
      }
    });
  }

  private async onSend(requestId: number, send: SendMessage): Promise<void> {
    const result = await processSend(this.ctx, send, this.device);
    this.send(
      encodeServerFrame({ kind: { case: 'sendResult', value: { requestId, id: send.id, ...result } } }),
    );
  }

  private async onAck(ids: Uint8Array[]): Promise<void> {
    try {
      const deleted = await this.ctx.storage.queue.ack(this.device.accountId, this.device.deviceId, ids);
      this.ctx.metrics.messagesAcked.inc({}, deleted);
    } catch (err) {
      // Unacked envelopes are delivered again on the next connection: nothing is lost.
      this.ctx.logger.warn('ack failed', errorFields(err));
    }
  }

  private fail(err: unknown): void {
    this.ctx.logger.warn('delivery failed; closing connection', errorFields(err));
    this.close(1011, ErrorCode.Unavailable);
  }

  private onClose(): void {
    this.pump.stop();
    this.unsubscribe();
    this.ctx.hub.remove(this);
  }
}
