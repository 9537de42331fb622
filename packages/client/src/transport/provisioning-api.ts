/**
 * The server's provisioning channel as the linking devices use it
 * (docs/provisioning.md): open a channel, post a slot once, poll a slot
 * until its blob is there. Blobs are raw bytes; the server never reads them.
 */
import {
  MAX_PROVISIONING_MESSAGE_BYTES,
  PROVISIONING_TTL_MS,
  ProvisioningChannelResponseSchema,
  toBase64Url,
} from '@tacet/wire';
import { ClientError } from '../errors.js';
import { HttpApi } from './http-api.js';

/** How often a waiting device asks for the other side's message. */
export const POLL_INTERVAL_MS = 500;

const expired = () =>
  new ClientError(
    'LinkExpired',
    'the link code expired or was already used; run tacet link on the new device again for a fresh one',
  );

function unreachable(base: string, e: unknown): ClientError {
  return new ClientError(
    'ServerUnreachable',
    `cannot reach the server at ${base} (${String(e)}); is it running?`,
  );
}

export class ProvisioningApi {
  readonly #base: string;

  constructor(baseUrl: string) {
    this.#base = baseUrl.replace(/\/+$/, '');
  }

  /** Opens a channel: its 16-byte id and expiry (ms). */
  async open(): Promise<{ channel: Uint8Array; expiresAt: number }> {
    const res = await new HttpApi(this.#base).openProvisioning();
    try {
      return ProvisioningChannelResponseSchema(res, '');
    } catch {
      throw new ClientError('ServerError', 'the server sent a malformed link channel', {
        code: 'malformed_response',
      });
    }
  }

  #url(channel: Uint8Array, slot?: number): string {
    return `${this.#base}/v1/provisioning/${toBase64Url(channel)}${slot === undefined ? '' : `/${slot}`}`;
  }

  async #fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (e) {
      throw unreachable(this.#base, e);
    }
  }

  /** Posts this side's message; LinkExpired once the channel is gone, LinkTampered if the slot was taken. */
  async put(channel: Uint8Array, slot: number, blob: Uint8Array): Promise<void> {
    const res = await this.#fetch(this.#url(channel, slot), {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: blob as Uint8Array<ArrayBuffer>,
    });
    await res.body?.cancel();
    if (res.status === 404) throw expired();
    if (res.status === 409)
      throw new ClientError(
        'LinkTampered',
        'someone else already answered this link code; start again on the new device',
        { reason: 'slot_taken', slot },
      );
    if (!res.ok) throw new ClientError('ServerError', `the server refused the link message (${res.status})`);
  }

  /** Waits for the other side's message in `slot`, asking every POLL_INTERVAL_MS until the channel expires. */
  async wait(channel: Uint8Array, slot: number, signal?: AbortSignal): Promise<Uint8Array> {
    const giveUp = Date.now() + PROVISIONING_TTL_MS;
    while (Date.now() < giveUp) {
      if (signal?.aborted) throw new ClientError('LinkRefused', 'linking was cancelled');
      const res = await this.#fetch(this.#url(channel, slot), { method: 'GET' });
      if (res.status === 200) {
        const body = new Uint8Array(await res.arrayBuffer());
        if (body.length > MAX_PROVISIONING_MESSAGE_BYTES) throw expired();
        return body;
      }
      await res.body?.cancel();
      if (res.status === 404) throw expired();
      if (res.status !== 204)
        throw new ClientError('ServerError', `the server refused the link channel (${res.status})`);
      await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
    }
    throw expired();
  }

  /** Drops the channel (best effort: it expires anyway). */
  async close(channel: Uint8Array): Promise<void> {
    const res = await this.#fetch(this.#url(channel), { method: 'DELETE' }).catch(() => undefined);
    await res?.body?.cancel();
  }
}
