/**
 * Account ids: 16 random bytes on the wire, and for people a 27-character
 * string: 26 characters of Crockford base32 (no i, l, o, u, so nothing reads
 * as another character) plus one Luhn mod 32 check character, which catches
 * every single mistyped character and most swaps of neighbours.
 * The canonical form is lowercase; parsing also accepts uppercase, dashes and
 * spaces (for grouped display) and reads o as 0 and i/l as 1, as Crockford
 * base32 prescribes.
 */
import { ErrorCode, WireError } from './errors.js';

/** Bytes in an account id. */
export const ACCOUNT_ID_BYTES = 16;
/** Characters in the canonical string form, check character included. */
export const ACCOUNT_ID_LENGTH = 27;

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const DATA_CHARS = 26;

/** Why an account id string was refused. */
export type AccountIdErrorReason = 'length' | 'character' | 'padding' | 'checksum';

/** A string that is not a well-formed account id. Its `code` is always bad_request. */
export class AccountIdError extends WireError {
  override readonly name = 'AccountIdError';
  constructor(
    readonly reason: AccountIdErrorReason,
    message: string,
  ) {
    super(ErrorCode.BadRequest, message, 'accountId');
  }
}

function digitOf(ch: string): number {
  const c = ch === 'o' ? '0' : ch === 'i' || ch === 'l' ? '1' : ch;
  return ALPHABET.indexOf(c);
}

/** Luhn mod N over base-32 digits: the digit that makes the weighted sum 0 mod 32. */
function luhnCheckDigit(digits: readonly number[]): number {
  let factor = 2;
  let sum = 0;
  for (let i = digits.length - 1; i >= 0; i--) {
    const addend = factor * (digits[i] as number);
    sum += Math.floor(addend / 32) + (addend % 32);
    factor = factor === 2 ? 1 : 2;
  }
  return (32 - (sum % 32)) % 32;
}

/**
 * Formats 16 bytes as the canonical 27-character id.
 * @example formatAccountId(new Uint8Array(16)) // '0000000000000000000000000' + '00'
 */
export function formatAccountId(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array) || bytes.length !== ACCOUNT_ID_BYTES) {
    throw new RangeError(`accountId must be ${ACCOUNT_ID_BYTES} bytes`);
  }
  const digits: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      digits.push((acc >> bits) & 31);
    }
  }
  digits.push((acc << (5 - bits)) & 31);
  digits.push(luhnCheckDigit(digits));
  return digits.map((d) => ALPHABET[d]).join('');
}

function parseDigits(text: string): number[] {
  if (typeof text !== 'string' || text.length > 64) throw new AccountIdError('length', 'account id too long');
  const cleaned = text.toLowerCase().replace(/[-\s]/g, '');
  if (cleaned.length !== ACCOUNT_ID_LENGTH) {
    throw new AccountIdError('length', `account id must have ${ACCOUNT_ID_LENGTH} characters`);
  }
  const digits = [...cleaned].map(digitOf);
  if (digits.some((d) => d < 0))
    throw new AccountIdError('character', 'account id has a character outside base32');
  return digits;
}

/**
 * Parses a human-typed or canonical account id back to its 16 bytes.
 * Throws {@link AccountIdError} with a reason when malformed.
 * @example parseAccountId(formatAccountId(id)) // equal to id
 */
export function parseAccountId(text: string): Uint8Array {
  const digits = parseDigits(text);
  const check = digits.pop() as number;
  if (luhnCheckDigit(digits) !== check)
    throw new AccountIdError('checksum', 'account id check character is wrong');
  if (((digits[DATA_CHARS - 1] as number) & 3) !== 0) {
    throw new AccountIdError('padding', 'account id has non-zero padding bits');
  }
  const out = new Uint8Array(ACCOUNT_ID_BYTES);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const d of digits) {
    acc = ((acc << 5) | d) & 0xfff;
    bits += 5;
    if (bits >= 8 && o < ACCOUNT_ID_BYTES) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/**
 * Groups the canonical id for display, e.g. `abcd-efgh-...`; parse accepts it back.
 * @example displayAccountId(id) // 'k3jq-9x0a-...-7'
 */
export function displayAccountId(bytes: Uint8Array): string {
  return formatAccountId(bytes).replace(/(.{4})(?=.)/g, '$1-');
}
