import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const BIN = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
const PTY = fileURLToPath(new URL('./pty-run.py', import.meta.url));
/** Runs the CLI from its TypeScript sources (workspace packages via their "source" export). */
export const NODE_ARGS = ['--conditions=source', '--import', 'tsx', BIN];

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `tacet ARGS`, which must succeed (its stderr is the failure message); resolves its stdout. */
export async function ok(args: string[]): Promise<string> {
  const r = await tacet(args);
  expect(r.code, `tacet ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

export function tacet(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...NODE_ARGS, ...args],
      {
        env: { ...process.env, TACET_PASSPHRASE: 'test passphrase', TACET_SCRYPT_LOG_N: '14', ...env },
        timeout: 30_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts `tacet ARGS` in a pseudo-terminal; collect its screen output from `.output`. */
export function tacetInPty(args: string[], env: Record<string, string> = {}) {
  const child: ChildProcess = spawn('python3', [PTY, process.execPath, ...NODE_ARGS, ...args], {
    env: { ...process.env, TACET_PASSPHRASE: 'test passphrase', ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const session = {
    child,
    output: '',
    type(text: string) {
      child.stdin?.write(text);
    },
    exited: new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1))),
  };
  child.stdout?.on('data', (d: Buffer) => {
    session.output += d.toString('utf8');
  });
  return session;
}

/** Waits until `check` holds, polling. */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms = 15_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A `tacet server` child process on free ports with easy proof-of-work; `stop()` sends SIGTERM and waits. */
export async function startTacetServer(dataDir: string, extra: string[] = []) {
  const child = spawn(
    process.execPath,
    [
      ...NODE_ARGS,
      'server',
      '--data',
      dataDir,
      '--port',
      '0',
      '--metrics-port',
      '0',
      '--pow-bits',
      '4',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number>((r) => child.once('exit', (code) => r(code ?? -1)));
  await until(() => /listening on (https?:\S+)/.test(out), 20_000, 'tacet server');
  const url = (/listening on (https?:\S+)/.exec(out) as RegExpExecArray)[1] as string;
  return {
    child,
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
