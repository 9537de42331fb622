/**
 * Downloads, checks and opens one attachment as a stream: plaintext goes to
 * a sink that keeps it where the user cannot see it (a private temporary
 * file, an OPFS entry), and is published only once length, MAC and digest
 * have all matched; a swapped, cut or extended blob aborts the sink, so
 * nothing partial reaches the user's files. Memory stays at one chunk.
 * After publishing, the device acknowledges the blob so the server can
 * delete it once every recipient has it.
 */
import { toBase64Url } from '@tacet/wire';
import { ClientError } from '../errors.js';
import type { AttachmentApi } from '../transport/attachment-api.js';
import { decryptAttachment } from './attachment-cipher.js';
import { attachmentCiphertextLength } from './padding.js';
import type { AttachmentPointer } from './pointer.js';
import type { TransferProgress } from './upload.js';

/** Where a download's plaintext goes; `commit` publishes it and names where it went. */
export interface AttachmentSink {
  write(plain: Uint8Array): void | Promise<void>;
  /** Makes the file visible to the user; resolves its location (a path, an OPFS name). */
  commit(): Promise<string>;
  /** Discards everything written. */
  abort(): Promise<void>;
}

async function* counted(
  body: AsyncIterable<Uint8Array>,
  total: number,
  onProgress?: TransferProgress,
): AsyncGenerator<Uint8Array> {
  let done = 0;
  onProgress?.(0, total);
  for await (const chunk of body) {
    done += chunk.length;
    onProgress?.(Math.min(done, total), total);
    yield chunk;
  }
}

/**
 * Fetches and decrypts `pointer` into `sink`; resolves the committed location.
 * Throws ClientError('AttachmentCorrupt') for a tampered blob (the sink aborted).
 * @example const path = await downloadAttachment(api, pointer, nodeFileSink(dir, name))
 */
export async function downloadAttachment(
  api: AttachmentApi,
  pointer: AttachmentPointer,
  sink: AttachmentSink,
  onProgress?: TransferProgress,
): Promise<string> {
  const id = toBase64Url(pointer.id);
  const total = attachmentCiphertextLength(pointer.size);
  let location: string;
  try {
    const { length, body } = await api.fetchBlob(id);
    if (length !== total && length !== -1)
      throw new ClientError(
        'AttachmentCorrupt',
        'the attachment was refused: its length does not match the message. Ask the sender to send it again',
      );
    await decryptAttachment(counted(body, total, onProgress), pointer, (plain) => sink.write(plain));
    location = await sink.commit();
  } catch (e) {
    await sink.abort();
    throw e;
  }
  // The file is safe with the user; a failed acknowledgement only leaves the blob to the server's deadline.
  await api.ack(id).catch(() => {});
  return location;
}
