import { randomBytes } from 'node:crypto';

/**
 * A name no other test run uses, for temporary databases and key prefixes.
 * @example uniqueName('tacet_test') // 'tacet_test_3f9a0c1b2d4e'
 */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}
