/**
 * The attachment endpoints as the client uses them (fetch, isomorphic; see
 * packages/server/README.md, "Attachments"): open an upload slot, send a
 * piece at an offset, ask how far an upload got, announce the sender's
 * deadline, fetch a blob as a stream,
 * acknowledge it. Errors become ClientErrors with the server's stable code;
 * a slot refused for its size becomes AttachmentTooLarge.
 */
import {
  type CreateAttachmentResponse,
  type ErrorResponse,
  UPLOAD_OFFSET_HEADER,
  type UploadStatusResponse,
} from '@tacet/wire';
import { putPiece } from '#piece-upload';
import { ClientError } from '../errors.js';
import { authorization, type DeviceCredentials } from './http-api.js';

async function refusal(res: Response, what: string): Promise<ClientError> {
  let code = `http_${res.status}`;
  let message = '';
  try {
    const e = ((await res.json()) as ErrorResponse).error;
    code = e.code;
    message = e.message;
  } catch {
    // not JSON: keep the status
  }
  if (code === 'payload_too_large' && what === 'attachment slot')
    return new ClientError('AttachmentTooLarge', `the file is too large for this server: ${message}`, {
      code,
    });
  if (res.status === 404)
    return new ClientError(
      'AttachmentUnavailable',
      'the attachment is no longer on the server (expired or already fetched)',
      { code },
    );
  return new ClientError('ServerError', `server refused the ${what}: ${message} (${code})`, {
    code,
    status: res.status,
  });
}

export class AttachmentApi {
  readonly #base: string;
  readonly #auth: string;

  constructor(baseUrl: string, creds: DeviceCredentials) {
    this.#base = `${baseUrl.replace(/\/+$/, '')}/v1/attachments`;
    this.#auth = authorization(creds);
  }

  async #fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (e) {
      throw new ClientError('ServerUnreachable', `cannot reach the server (${String(e)})`);
    }
  }

  /** Opens an upload slot for a blob of exactly `size` bytes. */
  async create(body: {
    size: number;
    recipients: number;
    deleteAt?: number;
  }): Promise<CreateAttachmentResponse> {
    const res = await this.#fetch(this.#base, {
      method: 'POST',
      headers: { authorization: this.#auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw await refusal(res, 'attachment slot');
    return (await res.json()) as CreateAttachmentResponse;
  }

  /**
   * Sends the `length` bytes of `piece` at `offset`; resolves what the server
   * holds afterwards (a 409 names where it is, when that is not `offset`).
   */
  async put(
    slot: CreateAttachmentResponse,
    offset: number,
    piece: AsyncIterable<Uint8Array>,
    length: number,
  ): Promise<UploadStatusResponse> {
    const headers = {
      authorization: `Bearer ${slot.uploadCredential}`,
      'content-type': 'application/octet-stream',
      [UPLOAD_OFFSET_HEADER]: String(offset),
    };
    const res = await putPiece(`${this.#base}/${slot.id}`, headers, piece, length);
    if (res.status === 409) return (await res.json()) as UploadStatusResponse;
    if (!res.ok) throw await refusal(res, 'upload');
    return (await res.json()) as UploadStatusResponse;
  }

  /** How many bytes of the upload the server holds. */
  async status(slot: CreateAttachmentResponse): Promise<UploadStatusResponse> {
    const res = await this.#fetch(`${this.#base}/${slot.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${slot.uploadCredential}` },
    });
    if (!res.ok) throw await refusal(res, 'upload');
    return (await res.json()) as UploadStatusResponse;
  }

  /** Brings the blob's deadline forward to `deleteAt` (the sender's, once its message is sent). */
  async setDeadline(slot: CreateAttachmentResponse, deleteAt: number): Promise<void> {
    const res = await this.#fetch(`${this.#base}/${slot.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${slot.uploadCredential}`, 'content-type': 'application/json' },
      body: JSON.stringify({ deleteAt }),
    });
    if (!res.ok && res.status !== 404) throw await refusal(res, 'deadline');
  }

  /** The blob as a stream of chunks and its announced length. */
  async fetchBlob(id: string): Promise<{ length: number; body: AsyncIterable<Uint8Array> }> {
    const res = await this.#fetch(`${this.#base}/${id}`, { headers: { authorization: this.#auth } });
    if (!res.ok || !res.body) throw await refusal(res, 'download');
    return { length: Number(res.headers.get('content-length') ?? -1), body: res.body };
  }

  /** Tells the server this device has the blob (it is deleted at the last recipient). */
  async ack(id: string): Promise<void> {
    const res = await this.#fetch(`${this.#base}/${id}`, {
      method: 'DELETE',
      headers: { authorization: this.#auth },
    });
    if (!res.ok && res.status !== 404) throw await refusal(res, 'acknowledgement');
  }
}
