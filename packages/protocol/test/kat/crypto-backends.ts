/**
 * The backends every crypto KAT runs against: both must give the same answers.
 */

import { nobleBackend } from '../../src/crypto/noble-backend.js';
import { nodeBackend } from '../../src/crypto/node-backend.node.js';
import type { Primitives } from '../../src/crypto/primitives.js';

export const backends: Primitives[] = [nobleBackend, nodeBackend];
