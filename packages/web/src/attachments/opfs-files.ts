/**
 * Received attachments in the browser: decrypted into a private OPFS file
 * (origin-private, never in the user's downloads until they click), shown
 * and downloaded through object URLs, and on expiry shredded: every object
 * URL of the file revoked and the OPFS entry removed. A download that fails
 * its checks aborts the sink, which removes the partial entry.
 */
import type { AttachmentSink } from '@tacet/client';

const DIR = 'tacet-attachments';
/** Object URLs handed out per stored file, so expiry can revoke every one. */
const urls = new Map<string, string>();

async function folder(): Promise<FileSystemDirectoryHandle> {
  return (await navigator.storage.getDirectory()).getDirectoryHandle(DIR, { create: true });
}

/** A sink into a fresh OPFS file; its location is the entry's name. */
export async function opfsSink(): Promise<AttachmentSink> {
  const name = `file-${crypto.randomUUID()}`;
  const dir = await folder();
  const handle = await dir.getFileHandle(name, { create: true });
  const writable = await handle.createWritable();
  return {
    write: (plain) => writable.write(plain as Uint8Array<ArrayBuffer>),
    async commit() {
      await writable.close();
      return name;
    },
    async abort() {
      await writable.abort().catch(() => undefined);
      await dir.removeEntry(name).catch(() => undefined);
    },
  };
}

/** An object URL of a stored file, typed for display (made once per file). */
export async function objectUrl(location: string, contentType: string): Promise<string> {
  const known = urls.get(location);
  if (known) return known;
  const file = await (await (await folder()).getFileHandle(location)).getFile();
  const url = URL.createObjectURL(new Blob([file], { type: contentType }));
  urls.set(location, url);
  return url;
}

/** Revokes the file's object URL and removes it from OPFS. */
export async function shredOpfsFile(location: string): Promise<void> {
  const url = urls.get(location);
  if (url) URL.revokeObjectURL(url);
  urls.delete(location);
  await (await folder()).removeEntry(location).catch(() => undefined);
}

/** Whether a stored file exists (tests, and a reload that lost its URLs). */
export async function opfsHas(location: string): Promise<boolean> {
  return (await folder()).getFileHandle(location).then(
    () => true,
    () => false,
  );
}
