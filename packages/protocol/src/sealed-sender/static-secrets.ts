/**
 * The static–static agreement of sealed sender v1 (docs/protocol.md §8.3, layer 2:
 * DH(our identity, their identity)) depends only on the two identity keys,
 * so a client that opens or seals many envelopes with the same peers computes
 * it once per peer instead of once per envelope. The ephemeral agreement is
 * never cached: it is new in every envelope. Optional: callers that pass no
 * cache get libsignal's exact per-envelope work.
 *
 * Holds shared secrets in memory as long as it lives; they are no more
 * secret than the identity private key the caller holds anyway.
 */
import { sameBytes } from '../crypto/bytes.js';
import type { IdentityKeyPair, PublicKey } from '../keys/index.js';

/** Peers remembered, one 32-byte secret each: room for every member of a 1,000-member group and more. */
const CAPACITY = 4096;

/** The 32 raw key bytes as a string key (Map keys compare by value; one allocation, no copy of the key). */
const keyOf = (k: PublicKey) => String.fromCharCode.apply(null, k.bytes as unknown as number[]);

/**
 * @example
 * const secrets = new StaticSecrets();
 * const usmc = await sealedSenderDecryptToUsmc(envelope, identityStore, secrets);
 */
export class StaticSecrets {
  readonly #entries = new Map<string, Uint8Array>();
  /** The own key's string, kept while the same key pair is passed (a client has one identity). */
  #own: { pair: IdentityKeyPair; key: string } | undefined;
  /**
   * The same secrets by peer key object, for the current own pair: a group
   * send looks up the same PublicKey objects every message, and this skips
   * building two 32-character strings per recipient. The peer's bytes are
   * kept to check that the object still holds them.
   */
  #byObject = new WeakMap<PublicKey, { bytes: Uint8Array; secret: Uint8Array }>();

  /** DH(own private, peer), computed on the first call for this pair of keys. */
  agree(own: IdentityKeyPair, peer: PublicKey): Uint8Array {
    if (this.#own?.pair !== own) {
      this.#own = { pair: own, key: keyOf(own.publicKey) };
      this.#byObject = new WeakMap();
    }
    const known = this.#byObject.get(peer);
    if (known !== undefined && sameBytes(known.bytes, peer.bytes)) return known.secret;
    const k = `${this.#own.key}${keyOf(peer)}`;
    let secret = this.#entries.get(k);
    if (secret === undefined) {
      secret = own.privateKey.agree(peer);
      if (this.#entries.size >= CAPACITY) this.wipe();
      this.#entries.set(k, secret);
    }
    this.#byObject.set(peer, { bytes: peer.bytes.slice(), secret });
    return secret;
  }

  /** Overwrites and forgets every secret. */
  wipe(): void {
    for (const s of this.#entries.values()) s.fill(0);
    this.#entries.clear();
    this.#byObject = new WeakMap();
  }
}
