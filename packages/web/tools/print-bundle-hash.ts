/**
 * Prints the bundle hash of a built web client: the SHA-256 of its
 * asset-manifest.json, the value a release publishes and the app shows.
 * Usage: npm run bundle-hash -w packages/web [-- DIST_DIR]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ASSET_MANIFEST_FILE, sha256Hex } from './asset-manifest.js';

const dist = resolve(process.argv[2] ?? join(import.meta.dirname, '..', 'dist'));
process.stdout.write(`${sha256Hex(readFileSync(join(dist, ASSET_MANIFEST_FILE)))}\n`);
