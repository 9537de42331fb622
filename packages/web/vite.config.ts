import { defaultClientConditions, defineConfig } from 'vite';
import { assetManifest } from './tools/asset-manifest-plugin.js';

// The service worker must sit at /sw.js (its scope is the directory it is
// served from) under a stable name: the browser re-fetches that URL to look
// for updates, and a stable, import-free sw.js means a new app release does
// not replace the worker that enforces the pin.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  resolve: { conditions: ['source', ...defaultClientConditions] },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: { index: 'index.html', sw: 'src/sw/sw.ts' },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  worker: { format: 'es' },
  plugins: [assetManifest()],
});
