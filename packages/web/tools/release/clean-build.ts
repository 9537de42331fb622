/**
 * One clean build of the web bundle: the commit's files exported with
 * `git archive` into an empty directory (nothing untracked, nothing edited,
 * no dist or cache from earlier builds), `npm ci`, then exactly the web
 * README's build command. Install scripts are skipped: they build native
 * modules (better-sqlite3) the web bundle never contains.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASSET_MANIFEST_FILE, type AssetManifest, sha256Hex } from '../asset-manifest.js';

export interface CleanBuild {
  bundleHash: string;
  files: AssetManifest['files'];
}

export function cleanBuild(repo: string, commit: string, dir: string, env: NodeJS.ProcessEnv): CleanBuild {
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['-C', repo, 'archive', '--format=tar', commit], {
    maxBuffer: 1 << 30,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  const run = (cmd: string, args: string[]) =>
    execFileSync(cmd, args, { cwd: dir, env, stdio: ['ignore', 'ignore', 'inherit'] });
  run('npm', ['ci', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error']);
  run('npm', ['run', 'build', '-w', 'packages/web']);
  const manifest = readFileSync(join(dir, 'packages', 'web', 'dist', ASSET_MANIFEST_FILE));
  return {
    bundleHash: sha256Hex(manifest),
    files: (JSON.parse(manifest.toString('utf8')) as AssetManifest).files,
  };
}
