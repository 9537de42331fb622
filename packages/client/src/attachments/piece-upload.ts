/**
 * Sends one upload piece with fetch (browsers, and wherever node:http is
 * not there): fetch over HTTP/1.1 cannot stream a request body, so the
 * piece is gathered into one buffer first. Node streams it instead
 * (piece-upload.node.ts, selected by the `#piece-upload` import condition).
 */
import { ClientError } from '../errors.js';

/** PUTs exactly `length` bytes from `body` to `url`; resolves the server's answer. */
export async function putPiece(
  url: string,
  headers: Record<string, string>,
  body: AsyncIterable<Uint8Array>,
  length: number,
): Promise<Response> {
  const piece = new Uint8Array(length);
  let at = 0;
  for await (const chunk of body) {
    piece.set(chunk, at);
    at += chunk.length;
  }
  try {
    return await fetch(url, { method: 'PUT', headers, body: piece.subarray(0, at) });
  } catch (e) {
    throw new ClientError('ServerUnreachable', `cannot reach the server (${String(e)})`);
  }
}
