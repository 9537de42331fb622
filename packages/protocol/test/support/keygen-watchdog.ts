/**
 * Runs keygen-loop.ts in a child process under a watchdog: the child must
 * report progress at least every `stallMs`, or it is declared frozen and
 * killed. A frozen main thread cannot time itself out, hence the second
 * process (used by test/kat/crypto-keygen-soak.test.ts and `npm run soak:keys`).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const LOOP = fileURLToPath(new URL('./keygen-loop.ts', import.meta.url));

export interface KeygenRun {
  /** done: finished its count; stalled: no progress for stallMs (killed); failed: exited otherwise. */
  outcome: 'done' | 'stalled' | 'failed';
  /** Keys the child reported having generated. */
  keys: number;
  ms: number;
  /** What the child wrote to stderr (why it failed). */
  stderr: string;
}

export interface KeygenOptions {
  /** Keys to generate; 0 runs until `durationMs` has passed. */
  count: number;
  durationMs?: number;
  stallMs: number;
  legacy?: boolean;
  /** Node binary (default: this one). */
  execPath?: string;
  onProgress?: (keys: number, ms: number) => void;
}

/**
 * @example
 * const run = await runKeygenLoop({ count: 200_000, stallMs: 30_000 });
 * if (run.outcome !== 'done') throw new Error(`key generation froze after ${run.keys} keys`);
 */
export function runKeygenLoop(o: KeygenOptions): Promise<KeygenRun> {
  const args = ['--conditions=source', '--import', 'tsx', LOOP, String(o.count)];
  if (o.legacy) args.push('legacy');
  const child = spawn(o.execPath ?? process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const started = performance.now();
  let keys = 0;
  let stderr = '';
  let outcome: KeygenRun['outcome'] | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  const stop = (why: KeygenRun['outcome']) => {
    outcome ??= why;
    child.kill('SIGKILL');
  };
  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => stop('stalled'), o.stallMs);
  };
  arm();
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [word, n] = line.split(' ');
      if (word === 'progress') keys = Number(n);
      if (word === 'done') {
        keys = Number(n);
        outcome ??= 'done';
      }
      arm();
      o.onProgress?.(keys, performance.now() - started);
      if (o.durationMs !== undefined && performance.now() - started >= o.durationMs) stop('done');
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(watchdog);
      if (code !== 0 && outcome !== 'stalled' && outcome !== 'done') outcome = 'failed';
      resolve({ outcome: outcome ?? 'failed', keys, ms: performance.now() - started, stderr });
    });
  });
}
