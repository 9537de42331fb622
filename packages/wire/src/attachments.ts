/**
 * The attachment API (packages/server/README.md, "Attachments"): a device
 * asks for an upload slot, sends the encrypted blob in pieces with
 * `PUT /v1/attachments/{id}` under a credential bound to that one id, and
 * recipients fetch it with `GET` and acknowledge it with `DELETE`. The
 * upload is resumable in Signal's style: a PUT with no body and no
 * `Upload-Offset` asks how much the server holds, and the next piece
 * starts there.
 */
import { int, object, optional } from './schema.js';

/** Bytes of an attachment id: random and unguessable (the pointer's id). */
export const ATTACHMENT_ID_BYTES = 32;
/** Largest body of one upload PUT: small enough to finish well inside the server's request timeout. */
export const MAX_ATTACHMENT_PIECE_BYTES = 8 * 1024 * 1024;
/** Recipient devices one attachment may wait for: a large group's devices. */
export const MAX_ATTACHMENT_RECIPIENTS = 4096;
/** Header naming where an upload piece starts (tus's name for the same fact). */
export const UPLOAD_OFFSET_HEADER = 'upload-offset';

/**
 * `POST /v1/attachments` request: the blob's exact length, how many
 * recipient devices must fetch and acknowledge it before it is deleted, and
 * the sender's deadline (ms since the epoch) for a disappearing message.
 */
export const CreateAttachmentRequest = object({
  size: int(1, 2 ** 40),
  recipients: int(1, MAX_ATTACHMENT_RECIPIENTS),
  deleteAt: optional(int(0, Number.MAX_SAFE_INTEGER)),
});
export type CreateAttachmentRequest = ReturnType<typeof CreateAttachmentRequest>;

/**
 * `PATCH /v1/attachments/{id}` request, under the upload credential: the
 * sender's deadline once it is known (a disappearing message's countdown
 * starts when the server has the message, after the upload). It only ever
 * moves the deadline earlier.
 */
export const AttachmentDeadlineRequest = object({
  deleteAt: int(0, Number.MAX_SAFE_INTEGER),
});
export type AttachmentDeadlineRequest = ReturnType<typeof AttachmentDeadlineRequest>;

/** `POST /v1/attachments` response. `uploadCredential` goes as `Authorization: Bearer` on the PUTs. */
export interface CreateAttachmentResponse {
  /** base64url of {@link ATTACHMENT_ID_BYTES} bytes. */
  id: string;
  uploadCredential: string;
  /** ms since the epoch; the upload must be complete by then or it is deleted. */
  uploadExpiresAt: number;
  /** ms since the epoch at which the server deletes the blob at the latest. */
  expiresAt: number;
  maxPieceBytes: number;
}

/** Response to every upload PUT: what the server now holds. */
export interface UploadStatusResponse {
  offset: number;
  size: number;
  complete: boolean;
}
