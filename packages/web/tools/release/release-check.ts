/**
 * `npm run release:check`: checks the version (every workspace, CHANGELOG.md),
 * builds the web bundle twice from clean trees of HEAD (different directories,
 * different time zones), fails unless both give the same bundle hash, then
 * prints it and writes the release manifest to dist/release/tacet-VERSION.json.
 * Usage: npm run release:check [-- COMMIT]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sha256Hex } from '../asset-manifest.js';
import { cleanBuild } from './clean-build.js';
import {
  agreedBundleHash,
  differingFiles,
  renderReleaseManifest,
  versionProblems,
} from './release-manifest.js';

const repo = resolve(import.meta.dirname, '..', '..', '..', '..');
const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();

const commit = git('rev-parse', '--verify', `${process.argv[2] ?? 'HEAD'}^{commit}`);
const show = (path: string) =>
  execFileSync('git', ['-C', repo, 'show', `${commit}:${path}`], { encoding: 'utf8' });
const { version } = JSON.parse(show('package.json')) as { version: string };
const workspaces = Object.fromEntries(
  readdirSync(join(repo, 'packages')).map((p) => {
    const pkg = JSON.parse(show(`packages/${p}/package.json`)) as { name: string; version: string };
    return [pkg.name, pkg.version];
  }),
);
const problems = versionProblems(version, workspaces, show('CHANGELOG.md'));
if (problems.length > 0) {
  for (const p of problems) process.stderr.write(`release: ${p}\n`);
  process.exit(1);
}
if (git('status', '--porcelain') !== '' && process.argv[2] === undefined)
  process.stderr.write('release: note: uncommitted changes are not part of the check (it builds HEAD)\n');

// npm settings of the surrounding `npm run` (its workspace, its prefix) must not leak into the builds.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
const work = mkdtempSync(join(tmpdir(), 'tacet-release-'));
try {
  process.stderr.write(
    `release: building ${version} (${commit.slice(0, 12)}) twice from clean trees in ${work}\n`,
  );
  const first = cleanBuild(repo, commit, join(work, 'a'), { ...env, TZ: 'UTC' });
  const second = cleanBuild(repo, commit, join(work, 'second-tree'), { ...env, TZ: 'Pacific/Chatham' });
  if (first.bundleHash !== second.bundleHash)
    process.stderr.write(
      `release: differing files: ${differingFiles(first.files, second.files).join(', ')}\n`,
    );
  const bundleHash = agreedBundleHash(first.bundleHash, second.bundleHash);
  const manifest = renderReleaseManifest({
    version,
    commit,
    bundleHash,
    files: first.files,
    packageLockSha256: sha256Hex(show('package-lock.json')),
    builtWith: {
      node: process.version,
      npm: execFileSync('npm', ['--version'], { encoding: 'utf8', env }).trim(),
    },
  });
  const out = join(repo, 'dist', 'release', `tacet-${version}.json`);
  mkdirSync(join(repo, 'dist', 'release'), { recursive: true });
  writeFileSync(out, manifest);
  process.stderr.write(`release: reproducible; manifest written to ${out}\n`);
  process.stdout.write(`tacet ${version} bundle hash ${bundleHash}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
