/**
 * Runs the real `tacet` command (packages/cli, from its TypeScript sources)
 * as a child process, the way a person or a script would.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { WEB_DIR } from './build-dist.js';

const BIN = resolve(WEB_DIR, '..', 'cli', 'src', 'bin.ts');

/** Exit code and output of one command. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `tacet --profile DIR ARGS...`, passphrase from TACET_PASSPHRASE. */
export function tacet(profile: string, args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', BIN, '--profile', profile, ...args],
      {
        env: { ...process.env, TACET_PASSPHRASE: 'cli passphrase', TACET_SCRYPT_LOG_N: '14' },
        timeout: 45_000,
      },
      (err, stdout, stderr) =>
        done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}
