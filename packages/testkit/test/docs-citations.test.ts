/**
 * The repository explains itself (issue 15 item 8): every doc a source
 * comment cites exists in the repository, every `docs/protocol.md §N` it cites
 * is a section there, every `docs/design.md, "Name"` a heading there, and no
 * source file points at a file a clone does not have (the old fact sheet
 * specs/signal-protocol.md, a top-level DESIGN.md, or an absolute path of a
 * development machine).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '..', '..', '..');
const SKIP = new Set(['node_modules', 'dist', '.git', 'test-artifacts', 'coverage']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (SKIP.has(e.name)) return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(ts|tsx|mjs|js|sh|py)$/.test(e.name) ? [path] : [];
  });
}

const files = [
  ...sources(join(REPO, 'packages')),
  ...sources(join(REPO, 'bench')),
  ...sources(join(REPO, 'deploy')),
]
  .filter((path) => path !== import.meta.filename) // this file spells the patterns out
  .map((path) => ({ path: relative(REPO, path), text: readFileSync(path, 'utf8') }));
const protocolDoc = readFileSync(join(REPO, 'docs', 'protocol.md'), 'utf8');
const designDoc = readFileSync(join(REPO, 'docs', 'design.md'), 'utf8');

/** Every `what` in the sources, as "path: match". */
function occurrences(pattern: RegExp): string[] {
  return files.flatMap(({ path, text }) => [...text.matchAll(pattern)].map((m) => `${path}: ${m[0]}`));
}

describe('citations in source comments', () => {
  it('name no file outside the repository', () => {
    expect(occurrences(/specs\/signal-protocol\.md|(?<!docs\/)DESIGN\.md|\/work\/[\w./-]+/g)).toEqual([]);
  });

  it('name docs that exist', () => {
    const docs = new Set(readdirSync(join(REPO, 'docs')).map((f) => `docs/${f}`));
    const cited = occurrences(/\bdocs\/[\w.-]+\.md/g).filter(
      (o) => !docs.has(o.slice(o.lastIndexOf(' ') + 1)),
    );
    expect(cited).toEqual([]);
  });

  it('name sections of docs/protocol.md that exist', () => {
    const sections = new Set([...protocolDoc.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1]));
    expect(sections.size).toBeGreaterThan(20);
    const missing = occurrences(/docs\/protocol\.md,? §(\d+(?:\.\d+)?)/g).filter((o) => {
      const n = /§(\d+(?:\.\d+)?)$/.exec(o)?.[1] ?? '';
      return !sections.has(n);
    });
    expect(missing).toEqual([]);
  });

  it('name headings of docs/design.md that exist', () => {
    const headings = new Set([...designDoc.matchAll(/^## (.+)$/gm)].map((m) => (m[1] ?? '').toLowerCase()));
    const missing = occurrences(/docs\/design\.md, "([^"]+)"/g).filter((o) => {
      const name = /"([^"]+)"$/.exec(o)?.[1] ?? '';
      return !headings.has(name.toLowerCase());
    });
    expect(missing).toEqual([]);
  });
});
