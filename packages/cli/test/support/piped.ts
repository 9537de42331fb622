/** A `tacet` process with piped stdin (as a script would type into it), for linking tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { NODE_ARGS, until } from './run.js';

/** `tacet ARGS` with piped stdin, collecting its output. */
export function start(args: string[]) {
  const child: ChildProcess = spawn(process.execPath, [...NODE_ARGS, ...args], {
    env: { ...process.env, TACET_PASSPHRASE: 'test passphrase', TACET_SCRYPT_LOG_N: '14' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const p = {
    stdout: '',
    stderr: '',
    type: (text: string) => child.stdin?.write(text),
    exited: new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1))),
    async comparison(): Promise<string> {
      await until(() => /Comparison code: (\d{3} \d{3})/.test(p.stderr), 30_000, 'comparison code');
      return (/Comparison code: (\d{3} \d{3})/.exec(p.stderr) as RegExpExecArray)[1] as string;
    },
  };
  child.stdout?.on('data', (d: Buffer) => {
    p.stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    p.stderr += d.toString();
  });
  return p;
}

export async function linkCode(newDevice: ReturnType<typeof start>): Promise<string> {
  await until(() => newDevice.stdout.includes('\n'), 30_000, 'link code');
  return newDevice.stdout.split('\n')[0] as string;
}

/**
 * Links a new profile at `newProfile` to the account of `existingProfile`,
 * each side typing the comparison code the other shows. Resolves the new device id.
 */
export async function linkProfiles(existingProfile: string, newProfile: string, serverUrl: string) {
  const newDevice = start(['--profile', newProfile, 'link', '--server', serverUrl]);
  const existing = start(['--profile', existingProfile, 'devices', 'link', await linkCode(newDevice)]);
  const shownOnExisting = await existing.comparison();
  const shownOnNew = await newDevice.comparison();
  existing.type(`${shownOnNew}\n`);
  newDevice.type(`${shownOnExisting}\n`);
  if ((await existing.exited) !== 0 || (await newDevice.exited) !== 0)
    throw new Error(`linking failed: ${existing.stderr} ${newDevice.stderr}`);
  return Number(existing.stdout.trim());
}
