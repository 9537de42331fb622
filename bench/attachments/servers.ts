/**
 * The two servers of `bench:attachments`, each in a child process of its
 * own so the client's memory is measured alone: a tacet server (SQLite,
 * temp dir) and, as the baseline, a bare Node HTTP server that stores a
 * PUT body in a file (synced once at the end) and streams it back on GET.
 * Run as a script, this file is that child: `--tacet DIR` or `--plain DIR`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ServerChild {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts this file as a child serving `kind` from `dir`; resolves its URL. */
export function startServerChild(kind: 'tacet' | 'plain', dir: string): Promise<ServerChild> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [`--${kind}`, dir], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (url) =>
      resolve({
        url: String(url),
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      }),
    );
  });
}

async function servePlain(dir: string): Promise<string> {
  const file = join(dir, 'blob');
  const server = createServer((req, res) => {
    if (req.method === 'PUT') {
      const out = createWriteStream(file);
      req.pipe(out);
      out.on('finish', async () => {
        const f = await open(file, 'r+');
        await f.datasync();
        await f.close();
        res.writeHead(204).end();
      });
    } else if (req.method === 'GET' && existsSync(file)) {
      res.writeHead(200, { 'content-length': statSync(file).size });
      createReadStream(file).pipe(res);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function serveTacet(dir: string): Promise<string> {
  const { startServer } = await import('@tacet/server');
  const server = await startServer({
    dataDir: dir,
    port: 0,
    powBits: 4,
    // Room for --rss-mib runs larger than the default cap (a file pads to a few percent more ciphertext).
    maxAttachmentBytes: 1024 * 1024 * 1024,
    registrationLimit: { burst: 100, perHour: 1000 },
    logLevel: 'error',
    logSink: () => undefined,
  });
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
  return server.url;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [kind, dir] = process.argv.slice(2);
  const url = kind === '--tacet' ? await serveTacet(dir as string) : await servePlain(dir as string);
  process.send?.(url);
}
