/**
 * Runs the real `tacet` command (packages/cli, from its TypeScript sources)
 * as a child process, the way a person or a script would.
 */
import { execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { WEB_DIR } from './build-dist.js';

const BIN = resolve(WEB_DIR, '..', 'cli', 'src', 'bin.ts');

/** Exit code and output of one command. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const argv = (profile: string, args: string[]) => [
  '--conditions=source',
  '--import',
  'tsx',
  BIN,
  '--profile',
  profile,
  ...args,
];
const ENV = { ...process.env, TACET_PASSPHRASE: 'cli passphrase', TACET_SCRYPT_LOG_N: '14' };

/** `tacet --profile DIR ARGS...`, passphrase from TACET_PASSPHRASE. */
export function tacet(profile: string, args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      argv(profile, args),
      {
        env: ENV,
        timeout: 45_000,
      },
      (err, stdout, stderr) =>
        done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** A `tacet` command that asks something: `answer` types a line into it once `stderr` shows `prompt`. */
export interface AskingCli {
  /** Resolves once stderr so far matches `prompt`, with that stderr. */
  asked(prompt: RegExp): Promise<string>;
  answer(line: string): void;
  done: Promise<CliResult>;
}

/** Runs `tacet` with a pipe for its questions (a person typing at it). */
export function tacetAsking(profile: string, args: string[]): AskingCli {
  const child = spawn(process.execPath, argv(profile, args), { env: ENV, timeout: 45_000 });
  let stdout = '';
  let stderr = '';
  const waiting: Array<() => void> = [];
  child.stdout.on('data', (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
    for (const w of waiting.splice(0)) w();
  });
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })),
  );
  return {
    asked: (prompt) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (prompt.test(stderr)) resolve(stderr);
          else waiting.push(check);
        };
        void done.then((r) => (prompt.test(r.stderr) ? undefined : reject(new Error(r.stderr))));
        check();
      }),
    answer: (line) => child.stdin.write(`${line}\n`),
    done,
  };
}
