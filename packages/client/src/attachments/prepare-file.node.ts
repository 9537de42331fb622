/**
 * Prepares a file on disk for sending: JPEG, PNG and WebP (recognised by
 * their bytes) are read whole, lose their metadata and are turned upright
 * (metadata/strip.ts with the jpeg-js/pngjs orienter); anything else is
 * streamed as it is, flagged `mayCarryMetadata` so the sender can be told
 * that documents may carry metadata of their own.
 */
import { open, readFile, realpath, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { ClientError } from '../errors.js';
import { nodeOrienter } from './metadata/node-orienter.node.js';
import { cleanImage, IMAGE_CONTENT_TYPES, imageKind } from './metadata/strip.js';
import { readFileChunks } from './node-file.node.js';
import type { OutgoingFile } from './transfers.js';

/** Images larger than this are sent as documents rather than decoded (memory). */
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.zip': 'application/zip',
  '.gif': 'image/gif',
  '.mp4': 'video/mp4',
  '.mp3': 'audio/mpeg',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.odt': 'application/vnd.oasis.opendocument.text',
};

async function head(path: string): Promise<Uint8Array> {
  const f = await open(path, 'r');
  try {
    const b = new Uint8Array(16);
    const { bytesRead } = await f.read(b, 0, 16, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await f.close();
  }
}

/**
 * @example const file = await prepareFile('./photo.jpg'); await client.sendFile('bob', file)
 */
export async function prepareFile(path: string): Promise<OutgoingFile & { mayCarryMetadata: boolean }> {
  let size: number;
  let resumeKey: string;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
    // Edited in place, moved over or replaced, the file gets another key: never spliced onto an old upload.
    resumeKey = [await realpath(path), st.size, st.ino, st.mtimeMs].join('\0');
  } catch {
    throw new ClientError('InvalidContent', `cannot read ${path}: no such file`);
  }
  const fileName = basename(path);
  const kind = imageKind(await head(path));
  if (kind && size <= MAX_IMAGE_BYTES) {
    const clean = await cleanImage(new Uint8Array(await readFile(path)), nodeOrienter);
    if (clean) {
      const bytes = clean.bytes;
      return {
        size: bytes.length,
        chunks: async function* () {
          yield bytes;
        },
        fileName,
        contentType: IMAGE_CONTENT_TYPES[clean.kind],
        width: clean.width,
        height: clean.height,
        resumeKey: `${resumeKey}\0cleaned`,
        mayCarryMetadata: false,
      };
    }
  }
  return {
    size,
    chunks: () => readFileChunks(path),
    fileName,
    contentType: CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    resumeKey,
    mayCarryMetadata: true,
  };
}
