/**
 * `npm run bench:cluster`: see bench/cluster/main.ts. Runs the TypeScript
 * sources (the test kit has no dist/): re-runs itself with the "source" condition.
 */
import { rerunWithSource } from './rerun-with-source.js';

if (!rerunWithSource(import.meta.url)) await import('./cluster/main.js');
