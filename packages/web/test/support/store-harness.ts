/**
 * Browser-side entry for the IndexedDB store tests: bundled by Vite into one
 * script and run in a page of a throwaway origin. Exposes the real store on
 * `window.tacetStore`.
 */
import { deleteProfile, openIndexedDbStore, profileExists } from '@tacet/client/indexeddb';

Object.assign(globalThis, { tacetStore: { openIndexedDbStore, deleteProfile, profileExists } });
