/**
 * Attachment length hiding, Signal's bucket rule: a plaintext of n bytes is
 * padded with zeros to max(541, floor(1.05^ceil(log_1.05 n))) before
 * encryption, so the blob's size tells the server only a 5% size class.
 */

/** Smallest bucket (Signal's constant). */
const MIN_BUCKET = 541;

/** The padded length of an `n`-byte attachment. */
export function paddedAttachmentLength(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError('attachment size must be a non-negative integer');
  if (n <= MIN_BUCKET) return MIN_BUCKET;
  const bucket = Math.floor(1.05 ** Math.ceil(Math.log(n) / Math.log(1.05)));
  // Floating point can land one bucket low right at a boundary; the bucket must hold n.
  return Math.max(n, bucket);
}

/** Bytes of the AES-256-CBC ciphertext of the padded plaintext (PKCS#7 always adds 1..16 bytes). */
export function cbcLength(plainLength: number): number {
  return (Math.floor(plainLength / 16) + 1) * 16;
}

/** IV (16) ‖ AES-256-CBC(padded) ‖ HMAC-SHA256 (32): the uploaded blob's length for an `n`-byte file. */
export function attachmentCiphertextLength(n: number): number {
  return 16 + cbcLength(paddedAttachmentLength(n)) + 32;
}
