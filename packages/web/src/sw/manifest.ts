/**
 * Fetches and checks the server's asset manifest. The bundle hash is the
 * SHA-256 of the manifest's exact bytes, the figure a release publishes.
 */

/** Where the build puts the manifest. */
export const MANIFEST_PATH = '/asset-manifest.json';
const MAX_MANIFEST_BYTES = 256 * 1024; // a few dozen files; bounds work on hostile input
const MAX_FILES = 500;
const HEX64 = /^[0-9a-f]{64}$/;

/** A bundle: its hash and the per-file hashes it promises. */
export interface Bundle {
  hash: string;
  files: Record<string, string>;
}

/** A manifest that is not what the build writes. */
export class ManifestError extends Error {
  override name = 'ManifestError';
}

/** Lowercase hex SHA-256. */
export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

function parseFiles(bytes: ArrayBuffer): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new ManifestError('asset manifest is not JSON');
  }
  const m = parsed as { format?: unknown; files?: unknown };
  if (m.format !== 'tacet-asset-manifest/1' || typeof m.files !== 'object' || m.files === null) {
    throw new ManifestError('asset manifest has an unknown format');
  }
  const entries = Object.entries(m.files as Record<string, unknown>);
  if (entries.length > MAX_FILES) throw new ManifestError('asset manifest lists too many files');
  const files: Record<string, string> = {};
  for (const [path, hash] of entries) {
    if (!path.startsWith('/') || path.includes('..') || typeof hash !== 'string' || !HEX64.test(hash)) {
      throw new ManifestError('asset manifest has a malformed entry');
    }
    files[path] = hash;
  }
  return files;
}

/** Fetches the manifest the server offers now, bypassing every cache. */
export async function fetchBundle(): Promise<Bundle> {
  const res = await fetch(MANIFEST_PATH, { cache: 'no-store', credentials: 'omit' });
  if (!res.ok) throw new ManifestError(`asset manifest: HTTP ${res.status}`);
  const bytes = await res.arrayBuffer();
  if (bytes.byteLength > MAX_MANIFEST_BYTES) throw new ManifestError('asset manifest is too large');
  return { hash: await sha256Hex(bytes), files: parseFiles(bytes) };
}
