/**
 * The backends every crypto KAT runs against: both must give the same answers.
 * The node:crypto backend joins when it is importable (it is Node-only).
 */
import { nobleBackend } from '../../src/crypto/noble-backend.js';
import type { Primitives } from '../../src/crypto/primitives.js';

export const backends: Primitives[] = [nobleBackend];
