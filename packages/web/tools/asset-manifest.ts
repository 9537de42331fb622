/**
 * The asset manifest: the SHA-256 of every file the build emits, and the
 * bundle hash (SHA-256 of the manifest's exact bytes) that people compare
 * against a published release. Node-only: runs at build time and in tests.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** File name of the manifest at the root of dist (and served at `/asset-manifest.json`). */
export const ASSET_MANIFEST_FILE = 'asset-manifest.json';
/** Format tag, so a future layout change is detectable. */
export const ASSET_MANIFEST_FORMAT = 'tacet-asset-manifest/1';

/** What the manifest says: URL path -> lowercase hex SHA-256 of the file's bytes. */
export interface AssetManifest {
  format: typeof ASSET_MANIFEST_FORMAT;
  files: Record<string, string>;
}

/** Lowercase hex SHA-256 of some bytes. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

/**
 * Hashes every file under `distDir` (except the manifest itself) and renders
 * the manifest deterministically: sorted keys, two-space JSON, trailing newline.
 *
 * @example
 * const { text, bundleHash } = computeAssetManifest('packages/web/dist');
 */
export function computeAssetManifest(distDir: string): { text: string; bundleHash: string } {
  const files: Record<string, string> = {};
  const paths = listFiles(distDir)
    .map((p) => `/${relative(distDir, p).split(sep).join('/')}`)
    .filter((p) => p !== `/${ASSET_MANIFEST_FILE}`)
    .sort();
  for (const urlPath of paths) files[urlPath] = sha256Hex(readFileSync(join(distDir, urlPath.slice(1))));
  const manifest: AssetManifest = { format: ASSET_MANIFEST_FORMAT, files };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  return { text, bundleHash: sha256Hex(text) };
}

/** Writes `asset-manifest.json` into `distDir` and returns the bundle hash. */
export function writeAssetManifest(distDir: string): string {
  const { text, bundleHash } = computeAssetManifest(distDir);
  writeFileSync(join(distDir, ASSET_MANIFEST_FILE), text);
  return bundleHash;
}
