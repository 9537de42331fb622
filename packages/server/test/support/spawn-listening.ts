/**
 * Starts a server script in a separate Node process and waits until it
 * listens. Kept apart from child-process.ts because the PostgreSQL e2e
 * suites mock that module, and the cluster helpers they load use this one:
 * importing the mocked module from inside its own mock factory deadlocks.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface ChildServer {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit signal or code. */
  exited: Promise<string>;
}

/**
 * Runs `script` (TypeScript, source condition) with `arg`; resolves once its
 * first stdout line, `{"url": ...}`, arrives. `label` names it if it exits first.
 */
export function spawnListening(script: string, arg: string, label: string): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script, arg], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(String(signal ?? code))),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line)
        resolve({ url: (JSON.parse(line) as { url: string }).url, child, exited });
    });
    child.once('exit', (code) => reject(new Error(`${label} exited early (${code})`)));
  });
}
