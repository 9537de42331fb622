/**
 * One side of the RSS measurement of `bench:attachments`, in a process of
 * its own so earlier work cannot hide (or add to) the growth: opens a
 * profile, then either sends a file (`send PROFILE PATH`) or saves a
 * received one (`receive PROFILE MESSAGE_ID DIR`), and reports its RSS
 * before and at peak to the parent.
 */
import { type ChildProcess, fork } from 'node:child_process';
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

async function run(): Promise<RssReport> {
  const [mode, profile, a, b] = process.argv.slice(2) as [string, string, string, string];
  const store = await openSqliteStore({ dir: profile, passphrase: 'bench', logN: 14 });
  const client = await TacetClient.open({ store, webSocket: nodeWebSocket });
  try {
    if (mode === 'send') {
      await client.connect();
      const file = await prepareFile(a);
      return await peakRssDuring(() => client.sendFile('bob', file));
    }
    const sink = await nodeFileSink(b, 'copy.bin', join(profile, 'tmp'));
    return await peakRssDuring(() => client.saveAttachment(a, sink));
  } finally {
    await client.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { before, peak } = await run();
  process.send?.({ before, peak });
  process.disconnect?.();
}
