/** Starts a test server script in a separate Node process and waits until it listens. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./server-child.ts', import.meta.url));

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

/** Starts test/support/server-child.ts on `dataDir`. */
export function spawnServer(dataDir: string): Promise<ChildServer> {
  return spawnListening(SCRIPT, dataDir, 'server child');
}
