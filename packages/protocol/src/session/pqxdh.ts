/**
 * The PQXDH key agreement of session version 4 (specs/signal-protocol.md §3):
 * both sides build the same secret string
 * `0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4] ‖ SS` and derive root and chain key from
 * it. Keys are raw 32-byte X25519 values; the KEM is done by the caller so
 * this module stays a pure function of its inputs.
 */
import { concatBytes, primitives, zeroize } from '../crypto/index.js';
import { deriveMasterKeys, PQXDH_PREFIX, type RootAndChain } from './kdf.js';

/** Alice's view: her private keys and Bob's public keys (raw 32 bytes each). */
export interface InitiatorInputs {
  ourIdentityPrivate: Uint8Array;
  ourBasePrivate: Uint8Array;
  theirIdentity: Uint8Array;
  theirSignedPreKey: Uint8Array;
  theirOneTimePreKey: Uint8Array | undefined;
  kemSharedSecret: Uint8Array;
}

/** Bob's view: his private keys and Alice's public keys (raw 32 bytes each). */
export interface ResponderInputs {
  ourIdentityPrivate: Uint8Array;
  ourSignedPreKeyPrivate: Uint8Array;
  ourOneTimePreKeyPrivate: Uint8Array | undefined;
  theirIdentity: Uint8Array;
  theirBaseKey: Uint8Array;
  kemSharedSecret: Uint8Array;
}

/** Alice's side of §3 step 4–6. */
export function initiatorMasterKeys(i: InitiatorInputs): RootAndChain {
  const dh = primitives.x25519Agree;
  const parts = [
    PQXDH_PREFIX,
    dh(i.ourIdentityPrivate, i.theirSignedPreKey),
    dh(i.ourBasePrivate, i.theirIdentity),
    dh(i.ourBasePrivate, i.theirSignedPreKey),
  ];
  // No OPK means the term is simply absent, not a placeholder (§3 step 4).
  if (i.theirOneTimePreKey !== undefined) parts.push(dh(i.ourBasePrivate, i.theirOneTimePreKey));
  return derive(parts, i.kemSharedSecret);
}

/** Bob's side of §3 "Bob" step 3: the same byte string, computed from the other ends. */
export function responderMasterKeys(i: ResponderInputs): RootAndChain {
  const dh = primitives.x25519Agree;
  const parts = [
    PQXDH_PREFIX,
    dh(i.ourSignedPreKeyPrivate, i.theirIdentity),
    dh(i.ourIdentityPrivate, i.theirBaseKey),
    dh(i.ourSignedPreKeyPrivate, i.theirBaseKey),
  ];
  if (i.ourOneTimePreKeyPrivate !== undefined) parts.push(dh(i.ourOneTimePreKeyPrivate, i.theirBaseKey));
  return derive(parts, i.kemSharedSecret);
}

function derive(dhParts: Uint8Array[], kemSharedSecret: Uint8Array): RootAndChain {
  // The KEM secret always comes last.
  const secrets = concatBytes(...dhParts, kemSharedSecret);
  const keys = deriveMasterKeys(secrets);
  zeroize(secrets, ...dhParts.slice(1));
  return keys;
}
