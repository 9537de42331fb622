import { defineConfig } from 'vite';
import base from './vitest.config.js';

// `npm run test:faults`: the tests that kill and restart PostgreSQL, Redis or
// nodes. Each starts services of its own (see docs/testing.md); one file at a
// time, so a restart never competes with another file for the machine.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['packages/*/test/faults/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    fileParallelism: false,
  },
});
