#!/usr/bin/env node
/**
 * `npm pack` hooks of @tacet/cli: the installed `tacet server` serves the web
 * client from `web/` next to its dist (packages/cli/src/config/server-options.ts),
 * because an installed package has no packages/web beside it.
 *   node scripts/bundle-web.mjs copy    (prepack: packages/web/dist -> web/)
 *   node scripts/bundle-web.mjs remove  (postpack: a stale copy would shadow
 *                                        packages/web/dist in the checkout)
 */
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const pkg = join(import.meta.dirname, '..');
const target = join(pkg, 'web');
const built = join(pkg, '..', 'web', 'dist');

if (process.argv[2] === 'remove') {
  rmSync(target, { recursive: true, force: true });
} else {
  if (!existsSync(join(built, 'asset-manifest.json'))) {
    console.error(`bundle-web: ${built} is not built; run \`npm run build\` first`);
    process.exit(1);
  }
  rmSync(target, { recursive: true, force: true });
  cpSync(built, target, { recursive: true });
}
