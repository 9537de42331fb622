/**
 * The 60-digit safety number people read aloud (docs/protocol.md §7):
 * 30 digits per side from the first 30 bytes of its hash, the smaller string first.
 */

/** Six 5-byte big-endian chunks, each reduced mod 100 000 and zero-padded to 5 digits. */
function thirtyDigits(hash: Uint8Array): string {
  let out = '';
  for (let chunk = 0; chunk < 6; chunk++) {
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 256 + (hash[chunk * 5 + i] as number);
    out += String(value % 100_000).padStart(5, '0');
  }
  return out;
}

/**
 * @example
 * const digits = fingerprint.displayable.toString(); // "18294 20870 …" without spaces
 */
export class DisplayableFingerprint {
  private constructor(
    /** This side's 30 digits. */
    readonly local: string,
    /** The other side's 30 digits. */
    readonly remote: string,
  ) {}

  /** @internal Built by Fingerprint.create from the two final hashes. */
  static fromHashes(localHash: Uint8Array, remoteHash: Uint8Array): DisplayableFingerprint {
    return new DisplayableFingerprint(thirtyDigits(localHash), thirtyDigits(remoteHash));
  }

  /** 60 digits, identical on both devices because the smaller half comes first. */
  toString(): string {
    return this.local < this.remote ? this.local + this.remote : this.remote + this.local;
  }
}
