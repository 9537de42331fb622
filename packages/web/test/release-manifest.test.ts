/**
 * The release checks of `npm run release:check` (packages/web/tools/release/):
 * two builds with different hashes fail it, a version that is not the same in
 * every workspace or has no CHANGELOG section fails it, the manifest renders
 * deterministically, and the rebuild command it records is the web README's.
 * The two clean builds themselves run in .ci/run (`npm run release:check`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  agreedBundleHash,
  differingFiles,
  renderReleaseManifest,
  versionProblems,
} from '../tools/release/release-manifest.js';

const REPO = resolve(import.meta.dirname, '..', '..', '..');
const h = (c: string) => c.repeat(64);
const input = {
  version: '1.2.3',
  commit: 'c'.repeat(40),
  bundleHash: h('a'),
  files: { '/sw.js': h('2'), '/index.html': h('1') },
  packageLockSha256: h('b'),
  builtWith: { node: 'v20.20.2', npm: '11.19.1' },
};

describe('release check', () => {
  it('accepts two equal bundle hashes and refuses differing ones, naming both', () => {
    expect(agreedBundleHash(h('a'), h('a'))).toBe(h('a'));
    expect(() => agreedBundleHash(h('a'), h('b'))).toThrow(`${h('a')} vs ${h('b')}`);
    expect(() => agreedBundleHash('', '')).toThrow(/not a SHA-256/);
    expect(differingFiles({ '/a': h('1'), '/b': h('2') }, { '/a': h('1'), '/c': h('3') })).toEqual([
      '/b',
      '/c',
    ]);
  });

  it('refuses a version some workspace does not carry, or that CHANGELOG.md lacks', () => {
    const changelog = '# Changelog\n\n## [1.2.3]\n\nstuff\n';
    expect(versionProblems('1.2.3', { '@tacet/a': '1.2.3' }, changelog)).toEqual([]);
    expect(versionProblems('1.2.3', { '@tacet/a': '1.2.2' }, changelog)).toEqual([
      '@tacet/a is at 1.2.2, the release is 1.2.3',
    ]);
    expect(versionProblems('1.2.4', {}, changelog)).toEqual(['CHANGELOG.md has no "## 1.2.4" section']);
    expect(versionProblems('1.2', {}, '## 1.2\n')).toEqual(['package.json version 1.2 is not semver']);
  });

  it('passes on this checkout: one version everywhere, with its CHANGELOG section', () => {
    const read = (p: string) =>
      JSON.parse(readFileSync(join(REPO, p), 'utf8')) as { name: string; version: string };
    const workspaces = Object.fromEntries(
      readdirSync(join(REPO, 'packages')).map((p) => {
        const pkg = read(`packages/${p}/package.json`);
        return [pkg.name, pkg.version];
      }),
    );
    expect(
      versionProblems(
        read('package.json').version,
        workspaces,
        readFileSync(join(REPO, 'CHANGELOG.md'), 'utf8'),
      ),
    ).toEqual([]);
  });

  it('renders the manifest deterministically, files sorted, with the README rebuild command', () => {
    const text = renderReleaseManifest(input);
    expect(renderReleaseManifest({ ...input, files: { '/index.html': h('1'), '/sw.js': h('2') } })).toBe(
      text,
    );
    const manifest = JSON.parse(text) as { format: string; files: object; verify: string };
    expect(manifest.format).toBe('tacet-release/1');
    expect(Object.keys(manifest.files)).toEqual(['/index.html', '/sw.js']);
    const steps = 'npm ci && npm run build -w packages/web && npm run bundle-hash -w packages/web';
    expect(manifest.verify).toBe(`git checkout ${input.commit} && ${steps}`);
    expect(readFileSync(join(REPO, 'packages', 'web', 'README.md'), 'utf8')).toContain(
      `git checkout vX.Y.Z && ${steps}`,
    );
  });
});
