/**
 * Delivers one device's queue over its connection: stored envelopes in
 * order on connect, then whatever a fan-out wake-up announces. It reads the
 * durable queue after a cursor (never trusting wake-ups to carry data), and
 * stops reading when the socket holds more than the high-water mark of
 * unflushed bytes, resuming when the slow reader catches up.
 */
import type { DeviceRecord } from '../accounts/account-store.js';
import type { ServerContext } from '../context.js';
import { DELIVERY_BATCH, DELIVERY_HIGH_WATER_BYTES } from '../limits.js';

/** The socket side the pump writes to. */
export interface DeliverySink {
  /** Bytes handed to the socket and not yet flushed. */
  unflushedBytes(): number;
  sendEnvelope(e: { id: Uint8Array; content: Uint8Array; serverTimestamp: number; expiresAt: number }): void;
  sendQueueDrained(): void;
  isOpen(): boolean;
}

export class DeliveryPump {
  private cursor = 0;
  private running = false;
  private again = false;
  private drainedSent = false;
  private stopped = false;
  /** True while paused for backpressure; `onFlushed` resumes. */
  waitingForDrain = false;

  constructor(
    private readonly ctx: ServerContext,
    private readonly device: DeviceRecord,
    private readonly sink: DeliverySink,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Called on connect and on every wake-up; coalesces overlapping calls. */
  wake(): void {
    if (this.stopped) return;
    this.again = true;
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  /** Called when socket writes complete; resumes a paused pump below the low-water mark. */
  onFlushed(): void {
    if (this.waitingForDrain && this.sink.unflushedBytes() < DELIVERY_HIGH_WATER_BYTES / 2) {
      this.waitingForDrain = false;
      this.wake();
    }
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * Reads until no wake-up is pending. `running` is cleared in the same
   * synchronous step that sees `again` false, so a wake-up can never fall
   * between the last read and the end of the loop and be lost.
   */
  private async loop(): Promise<void> {
    try {
      while (this.again && !this.stopped) {
        this.again = false;
        if (!(await this.deliverAvailable())) break;
      }
    } catch (err) {
      this.onError(err);
    } finally {
      this.running = false;
    }
  }

  /** Sends batches until the queue is exhausted (true) or delivery must pause (false). */
  private async deliverAvailable(): Promise<boolean> {
    const { accountId, deviceId } = this.device;
    for (;;) {
      if (this.stopped || !this.sink.isOpen()) return false;
      if (this.sink.unflushedBytes() >= DELIVERY_HIGH_WATER_BYTES) {
        this.waitingForDrain = true;
        return false;
      }
      const batch = await this.ctx.storage.queue.fetch(
        accountId,
        deviceId,
        this.cursor,
        DELIVERY_BATCH,
        Date.now(),
      );
      for (const e of batch) {
        if (this.stopped || !this.sink.isOpen()) return false;
        this.sink.sendEnvelope(e);
        this.cursor = e.seq;
      }
      this.ctx.metrics.messagesDelivered.inc({}, batch.length);
      if (batch.length < DELIVERY_BATCH) break;
    }
    if (!this.drainedSent) {
      this.drainedSent = true;
      this.sink.sendQueueDrained();
    }
    return true;
  }
}
