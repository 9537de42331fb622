/** Fingerprint barrel: safety numbers, displayable and scannable. */
export { DisplayableFingerprint } from './displayable.js';
export { Fingerprint, type FingerprintOptions, fingerprintHash } from './fingerprint.js';
export { ScannableFingerprint } from './scannable.js';
