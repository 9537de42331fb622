import { defaultServerConditions, defineConfig } from 'vite';

// Tests run against the TypeScript sources: every workspace package exports a
// "source" condition pointing at src/, so no build is needed before `npm test`.
export default defineConfig({
  resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions], externalConditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    // Fault tests stop and start services (their own): `npm run test:faults`, after the suite.
    // The install test packs and installs the workspaces: `npm run test:install`.
    exclude: ['**/node_modules/**', 'packages/*/test/faults/**', 'packages/*/test/install/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
