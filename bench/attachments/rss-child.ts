/**
 * One side of the RSS measurement of `bench:attachments`, in a process of
 * its own so earlier work cannot hide (or add to) the growth: opens a
 * profile, then either sends a file (`send PROFILE PATH`) or saves a
 * received one (`receive PROFILE WARM_ID,MESSAGE_ID DIR`), each after a
 * small warm-up transfer, and reports its RSS before and at peak to the parent.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TacetClient } from '../../packages/client/src/index.js';
import {
  nodeFileSink,
  nodeWebSocket,
  openSqliteStore,
  prepareFile,
} from '../../packages/client/src/index.node.js';
import { peakRssDuring } from './rss-sampler.js';

export interface RssReport {
  before: number;
  peak: number;
}

/** Runs this file as a child with `args`; resolves its report. */
export function rssChild(args: string[]): Promise<RssReport> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), args, {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (m) => resolve(m as RssReport));
    child.once('exit', (code) => code !== 0 && reject(new Error(`rss child exited with ${code}`)));
  });
}

/** The warm-up file beside the profile: 64 KiB, enough for one request of each kind. */
function warmUpFile(profile: string): string {
  const path = join(profile, '..', 'warm-up.bin');
  writeFileSync(path, new Uint8Array(64 * 1024).fill(7));
  return path;
}

async function run(): Promise<RssReport> {
  const [mode, profile, a, b] = process.argv.slice(2) as [string, string, string, string];
  const store = await openSqliteStore({ dir: profile, passphrase: 'bench', logN: 14 });
  const client = await TacetClient.open({ store, webSocket: nodeWebSocket });
  try {
    if (mode === 'send') {
      await client.connect();
      // Warm-up: a small file first, so the HTTP agent, TLS-free sockets, undici and JIT'd code
      // (about 30 MiB of native memory that any first request costs) are not counted as attachment work.
      await client.sendFile('bob', await prepareFile(warmUpFile(profile)));
      const file = await prepareFile(a);
      return await peakRssDuring(() => client.sendFile('bob', file));
    }
    const [warm, id] = a.split(',') as [string, string];
    await client.saveAttachment(warm, await nodeFileSink(b, 'warm-up.bin', join(profile, 'tmp')));
    const sink = await nodeFileSink(b, 'copy.bin', join(profile, 'tmp'));
    return await peakRssDuring(() => client.saveAttachment(id, sink));
  } finally {
    await client.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { before, peak } = await run();
  process.send?.({ before, peak });
  process.disconnect?.();
}
