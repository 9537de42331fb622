/**
 * Browser-side entry for the IndexedDB store tests: bundled by Vite into one
 * script and run in a page of a throwaway origin. Exposes the real store on
 * `window.tacetStore`.
 */
import { deleteProfile, openIndexedDbStore, profileExists } from '../../src/store/open-store.js';

Object.assign(globalThis, { tacetStore: { openIndexedDbStore, deleteProfile, profileExists } });
