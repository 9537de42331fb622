/**
 * Node file plumbing for attachments: a chunked reader for a file to send,
 * and a sink that decrypts into a private temporary file (mode 0600, in a
 * directory only tacet uses) and moves it into the user's folder only when
 * the download has been verified, under a name that never overwrites an
 * existing file. Shredding a saved copy overwrites it with zeros before
 * unlinking it.
 */
import { copyFile, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { AttachmentSink } from './download.js';

/** Bytes read from a file at a time. */
const READ_CHUNK = 1024 * 1024;

/**
 * The file's bytes in chunks of at most 1 MiB, read into one buffer used
 * again for every chunk (no garbage per chunk, so memory stays flat): a
 * chunk is valid until the next one is asked for, which is how the cipher
 * consumes them.
 */
export async function* readFileChunks(path: string): AsyncGenerator<Uint8Array> {
  const f = await open(path, 'r');
  const buf = new Uint8Array(READ_CHUNK);
  try {
    for (;;) {
      const { bytesRead } = await f.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await f.close();
  }
}

/** A file name safe to create in a folder: no directories, no hidden or empty names. */
export function safeFileName(name: string): string {
  const printable = [...name].map((ch) => (ch.charCodeAt(0) < 0x20 ? '_' : ch)).join('');
  const base = basename(printable.replace(/\\/g, '/')).trim();
  const clean = base.replace(/^\.+/, '');
  return clean.length > 0 ? clean.slice(0, 200) : 'attachment';
}

async function freeName(dir: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 0; ; i++) {
    const candidate = join(dir, i === 0 ? name : `${stem} (${i})${ext}`);
    try {
      await stat(candidate);
    } catch {
      return candidate;
    }
  }
}

/**
 * A sink writing to `tmpDir` and publishing into `dir` as (a free variant of) `name`.
 * @example const sink = await nodeFileSink('/home/me/Downloads', 'report.pdf', profileTmp)
 */
export async function nodeFileSink(dir: string, name: string, tmpDir: string): Promise<AttachmentSink> {
  await mkdir(tmpDir, { recursive: true, mode: 0o700 });
  const tmp = join(tmpDir, `incoming-${crypto.randomUUID()}`);
  const file = await open(tmp, 'wx', 0o600);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await file.close();
  };
  // Decrypted pieces come in network-sized bits; gathered into 1 MiB writes.
  const buf = new Uint8Array(READ_CHUNK);
  let fill = 0;
  const flush = async () => {
    if (fill > 0) await file.write(buf, 0, fill);
    fill = 0;
  };
  return {
    async write(plain) {
      for (let i = 0; i < plain.length; ) {
        const n = Math.min(buf.length - fill, plain.length - i);
        buf.set(plain.subarray(i, i + n), fill);
        fill += n;
        i += n;
        if (fill === buf.length) await flush();
      }
    },
    async commit() {
      await flush();
      buf.fill(0);
      await file.sync();
      await close();
      await mkdir(dir, { recursive: true });
      const target = await freeName(dir, safeFileName(name));
      try {
        await rename(tmp, target);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
        await copyFile(tmp, target);
        await shredFile(tmp);
      }
      return target;
    },
    async abort() {
      buf.fill(0);
      await close();
      await shredFile(tmp).catch(() => {});
    },
  };
}

/** Overwrites a file with zeros, syncs and unlinks it; nothing if it is gone already. */
export async function shredFile(path: string): Promise<void> {
  let f: Awaited<ReturnType<typeof open>>;
  try {
    f = await open(path, 'r+');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    const { size } = await f.stat();
    const zeros = new Uint8Array(Math.min(READ_CHUNK, size));
    for (let at = 0; at < size; at += zeros.length)
      await f.write(zeros, 0, Math.min(zeros.length, size - at), at);
    await f.sync();
  } finally {
    await f.close();
  }
  await unlink(path);
}
