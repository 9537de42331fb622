import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir`, recursively. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/** Files under the given dirs whose bytes contain `needle` anywhere. */
export function filesContaining(dirs: readonly string[], needle: Uint8Array): string[] {
  const hits: string[] = [];
  const n = Buffer.from(needle);
  for (const dir of dirs) {
    for (const f of listFiles(dir)) if (readFileSync(f).includes(n)) hits.push(f);
  }
  return hits;
}
