/**
 * Node: one upload piece streamed from the cipher straight into a
 * node:http(s) request, each chunk written as it comes (waiting for the
 * socket to drain), so a piece holds no buffer of its own. With fetch the
 * whole 8 MiB piece had to be gathered first, and undici copied it again:
 * that, not the cipher, was most of a send's memory.
 */
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ClientError } from '../errors.js';

const unreachable = (e: unknown) =>
  e instanceof ClientError
    ? e
    : new ClientError('ServerUnreachable', `cannot reach the server (${String(e)})`);

/** Resolves once the request can take more, or is gone. */
function writable(req: ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
  });
}

async function answer(res: IncomingMessage): Promise<Response> {
  const parts: Buffer[] = [];
  for await (const b of res) parts.push(b as Buffer);
  const status = res.statusCode ?? 502;
  const empty = status === 204 || status === 304;
  return new Response(empty ? null : Buffer.concat(parts), { status });
}

/** PUTs exactly `length` bytes from `body` to `url`; resolves the server's answer. */
export function putPiece(
  url: string,
  headers: Record<string, string>,
  body: AsyncIterable<Uint8Array>,
  length: number,
): Promise<Response> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
    };
    const req = send(
      u,
      { method: 'PUT', headers: { ...headers, 'content-length': String(length) } },
      (res) => {
        // An early answer (a refusal before the body was read) ends the writing too.
        answer(res).then(
          (r) => settle(() => resolve(r)),
          (e) => settle(() => reject(unreachable(e))),
        );
      },
    );
    req.on('error', (e) => settle(() => reject(unreachable(e))));
    (async () => {
      for await (const chunk of body) {
        if (settled || req.destroyed) return;
        if (!req.write(chunk)) await writable(req);
      }
      req.end();
    })().catch((e) => {
      // The file or the cipher failed (not the network): that error is the one to report.
      settle(() => reject(e));
      req.destroy();
    });
  });
}
