import { defineConfig } from 'vite';
import base from './vitest.config.js';

// `npm run test:install`: packs the workspaces and installs them with
// `npm install -g` into an empty prefix (needs `npm run build` first). Too slow
// for `npm test` (npm fetches and unpacks ~190 packages), so .ci/run runs it
// as a step of its own.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['packages/*/test/install/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
  },
});
