/**
 * Vite plugin: once the bundle and the public files are on disk, record the
 * SHA-256 of every emitted file in dist/asset-manifest.json. The service
 * worker pins the bundle by that manifest (see src/sw/).
 */
import { resolve } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { writeAssetManifest } from './asset-manifest.js';

/** @example plugins: [assetManifest()] */
export function assetManifest(): Plugin {
  let config: ResolvedConfig | undefined;
  return {
    name: 'tacet-asset-manifest',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    closeBundle() {
      if (!config) return;
      const hash = writeAssetManifest(resolve(config.root, config.build.outDir));
      config.logger.info(`tacet bundle hash (sha256 of asset-manifest.json): ${hash}`);
    },
  };
}
