/** Starts test/support/server-child.ts in a separate Node process. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./server-child.ts', import.meta.url));

export interface ChildServer {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit signal or code. */
  exited: Promise<string>;
}

export function spawnServer(dataDir: string): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', SCRIPT, dataDir], {
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
    child.once('exit', (code) => reject(new Error(`server child exited early (${code})`)));
  });
}
