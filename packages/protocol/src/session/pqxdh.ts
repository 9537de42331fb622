/**
 * The PQXDH key agreement of session version 4 (docs/protocol.md §3):
 * both sides build the same secret string
 * `0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4] ‖ SS` and derive root and chain key from
 * it. Long-lived keys arrive as key objects, so the crypto backend can reuse
 * the native handles it caches per key (identity and signed prekeys serve many
 * sessions); the KEM is done by the caller so this module stays a pure function.
 */
import { concatBytes, zeroize } from '../crypto/index.js';
import type { PrivateKey, PublicKey } from '../keys/index.js';
import { deriveMasterKeys, type MasterKeys, PQXDH_PREFIX } from './kdf.js';

/** Alice's view: her private keys and Bob's public keys. */
export interface InitiatorInputs {
  ourIdentity: PrivateKey;
  ourBase: PrivateKey;
  theirIdentity: PublicKey;
  theirSignedPreKey: PublicKey;
  theirOneTimePreKey: PublicKey | undefined;
  kemSharedSecret: Uint8Array;
}

/** Bob's view: his private keys and Alice's public keys. */
export interface ResponderInputs {
  ourIdentity: PrivateKey;
  ourSignedPreKey: PrivateKey;
  ourOneTimePreKey: PrivateKey | undefined;
  theirIdentity: PublicKey;
  theirBaseKey: PublicKey;
  kemSharedSecret: Uint8Array;
}

/** Alice's side of §3 step 4–6. */
export function initiatorMasterKeys(i: InitiatorInputs): MasterKeys {
  const parts = [
    i.ourIdentity.agree(i.theirSignedPreKey),
    i.ourBase.agree(i.theirIdentity),
    i.ourBase.agree(i.theirSignedPreKey),
  ];
  // No OPK means the term is simply absent, not a placeholder (§3 step 4).
  if (i.theirOneTimePreKey !== undefined) parts.push(i.ourBase.agree(i.theirOneTimePreKey));
  return derive(parts, i.kemSharedSecret);
}

/** Bob's side of §3 "Bob" step 3: the same byte string, computed from the other ends. */
export function responderMasterKeys(i: ResponderInputs): MasterKeys {
  const parts = [
    i.ourSignedPreKey.agree(i.theirIdentity),
    i.ourIdentity.agree(i.theirBaseKey),
    i.ourSignedPreKey.agree(i.theirBaseKey),
  ];
  if (i.ourOneTimePreKey !== undefined) parts.push(i.ourOneTimePreKey.agree(i.theirBaseKey));
  return derive(parts, i.kemSharedSecret);
}

function derive(dhParts: Uint8Array[], kemSharedSecret: Uint8Array): MasterKeys {
  // The KEM secret always comes last.
  const secrets = concatBytes(PQXDH_PREFIX, ...dhParts, kemSharedSecret);
  const keys = deriveMasterKeys(secrets);
  zeroize(secrets, kemSharedSecret, ...dhParts);
  return keys;
}
