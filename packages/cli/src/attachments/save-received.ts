/**
 * Saves a received attachment into a folder for `tacet receive --save`:
 * checked and decrypted into a private file in the profile, published into
 * the folder only when it verified (nodeFileSink), hashed on the way so the
 * printed sha256 is of exactly the bytes written.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { AttachmentSink, MessageRecord, TacetClient } from '@tacet/client';
import { nodeFileSink } from '@tacet/client/node';

export interface SavedFile {
  file: string;
  sha256: string;
}

function hashing(sink: AttachmentSink, onDone: (hex: string) => void): AttachmentSink {
  const h = createHash('sha256');
  return {
    async write(b) {
      h.update(b);
      await sink.write(b);
    },
    async commit() {
      const where = await sink.commit();
      onDone(h.digest('hex'));
      return where;
    },
    abort: () => sink.abort(),
  };
}

/** Downloads `m`'s attachment into `dir`; `onProgress` sees ciphertext bytes. */
export async function saveReceived(
  c: TacetClient,
  m: MessageRecord,
  dir: string,
  profile: string,
  onProgress?: (done: number, total: number) => void,
): Promise<SavedFile> {
  let sha256 = '';
  const sink = await nodeFileSink(dir, m.attachment?.fileName ?? 'attachment', join(profile, 'tmp'));
  const file = await c.saveAttachment(
    m.id,
    hashing(sink, (hex) => {
      sha256 = hex;
    }),
    onProgress,
  );
  return { file, sha256 };
}
