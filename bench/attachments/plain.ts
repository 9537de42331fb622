/** The baseline of `bench:attachments`: a streamed PUT and GET of a file to the bare server, and the test file. */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const MiB = 1024 * 1024;

/** Writes `n` MiB of random bytes to `path`. */
export function makeFile(path: string, n: number): string {
  const out = new Uint8Array(n * MiB);
  for (let i = 0; i < n; i++) out.set(randomBytes(MiB), i * MiB);
  writeFileSync(path, out);
  return path;
}

/** PUTs `file` from disk and GETs it back into `copy`; the two times in ms. */
export async function plainRoundTrip(url: string, file: string, copy: string) {
  const t0 = performance.now();
  const put = await fetch(`${url}/blob`, {
    method: 'PUT',
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  if (put.status !== 204) throw new Error(`plain PUT: ${put.status}`);
  const t1 = performance.now();
  const got = await fetch(`${url}/blob`);
  await pipeline(Readable.fromWeb(got.body as never), createWriteStream(copy));
  return { upMs: t1 - t0, downMs: performance.now() - t1 };
}
