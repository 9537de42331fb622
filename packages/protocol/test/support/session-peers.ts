/**
 * One interface over a tacet device and a libsignal device, so the same
 * conversation script runs for every pairing (tacet↔libsignal both ways, and
 * tacet↔tacet).
 */
import * as S from '@signalapp/libsignal-client';
import * as L from 'libsignal-client-0103';
import {
  type IdentityKeyPair,
  type PreKeyBundle,
  ProtocolAddress,
  ProtocolError,
  processPreKeyBundle,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
} from '../../src/index.js';
import { LibsignalParty, libsignalAddress, toLibsignalBundle, toTacetBundle } from './libsignal-stores.js';
import { createTacetParty, type TacetParty } from './tacet-party.js';

export interface Wire {
  type: number;
  bytes: Uint8Array;
}

export interface Peer {
  readonly impl: 'tacet' | 'libsignal';
  readonly name: string;
  readonly address: ProtocolAddress;
  /** A fresh bundle of this device, in tacet's shape. */
  bundle(oneTime: boolean): Promise<PreKeyBundle>;
  /** Starts a session with `other` from its bundle. */
  startSession(other: Peer, bundle: PreKeyBundle): Promise<void>;
  encrypt(plaintext: Uint8Array, to: Peer): Promise<Wire>;
  decrypt(message: Wire, from: Peer): Promise<Uint8Array>;
}

export class TacetPeer implements Peer {
  readonly impl = 'tacet';
  readonly party: TacetParty;
  readonly address: ProtocolAddress;
  /** `classic`: run the pre-SPQR Double Ratchet, for libsignal 0.72.1 peers only. */
  constructor(
    readonly name: string,
    identity?: IdentityKeyPair,
    options: { classic?: boolean } = {},
  ) {
    this.party = createTacetParty(name, 1, identity);
    if (options.classic === true) this.party.stores.legacyClassicRatchet = true;
    this.address = this.party.address;
  }
  bundle(oneTime: boolean): Promise<PreKeyBundle> {
    return this.party.bundle({ oneTime });
  }
  startSession(other: Peer, bundle: PreKeyBundle): Promise<void> {
    return processPreKeyBundle(bundle, other.address, this.party.stores, Date.now());
  }
  async encrypt(plaintext: Uint8Array, to: Peer): Promise<Wire> {
    const m = await signalEncrypt(plaintext, to.address, this.party.stores, Date.now());
    return { type: m.type(), bytes: m.serialize() };
  }
  decrypt(message: Wire, from: Peer): Promise<Uint8Array> {
    return message.type === 3
      ? signalDecryptPreKey(message.bytes, from.address, this.party.stores)
      : signalDecrypt(message.bytes, from.address, this.party.stores);
  }
}

export class LibsignalPeer implements Peer {
  readonly impl = 'libsignal';
  readonly party: LibsignalParty;
  readonly address: ProtocolAddress;
  constructor(readonly name: string) {
    this.party = new LibsignalParty(name);
    this.address = ProtocolAddress.new(name, 1);
  }
  async bundle(oneTime: boolean): Promise<PreKeyBundle> {
    return toTacetBundle(await this.party.bundle({ oneTime }));
  }
  startSession(other: Peer, bundle: PreKeyBundle): Promise<void> {
    return S.processPreKeyBundle(
      toLibsignalBundle(bundle),
      libsignalAddress(other.address),
      this.party.sessions,
      this.party.identities,
    );
  }
  async encrypt(plaintext: Uint8Array, to: Peer): Promise<Wire> {
    const m = await this.party.encrypt(plaintext, libsignalAddress(to.address));
    return { type: m.type(), bytes: new Uint8Array(m.serialize()) };
  }
  decrypt(message: Wire, from: Peer): Promise<Uint8Array> {
    return this.party.decrypt(message.type, message.bytes, libsignalAddress(from.address));
  }
}

/**
 * Every ordered pairing the 0.72.1 interop suites run: initiator first. libsignal
 * 0.72.1 predates SPQR, so the tacet side runs the classic ratchet there.
 */
export const PAIRINGS: Array<[string, () => [Peer, Peer]]> = [
  [
    'tacet → libsignal',
    () => [new TacetPeer('alice', undefined, { classic: true }), new LibsignalPeer('bob')],
  ],
  [
    'libsignal → tacet',
    () => [new LibsignalPeer('alice'), new TacetPeer('bob', undefined, { classic: true })],
  ],
  ['tacet → tacet', () => [new TacetPeer('alice'), new TacetPeer('bob')]],
];

/** How a decryption failed, in terms both implementations share. */
export type FailureKind = 'duplicate' | 'untrusted' | 'invalid';

/** Classifies a tacet ProtocolError or a libsignal error; rethrows anything else. */
export function failureKind(e: unknown): FailureKind {
  if (e instanceof ProtocolError) {
    if (e.is('DuplicatedMessage')) return 'duplicate';
    if (e.is('UntrustedIdentity')) return 'untrusted';
    return 'invalid';
  }
  if (e instanceof S.LibSignalErrorBase) {
    if (e.code === S.ErrorCode.DuplicatedMessage) return 'duplicate';
    if (e.code === S.ErrorCode.UntrustedIdentity) return 'untrusted';
    return 'invalid';
  }
  if (e instanceof L.LibSignalErrorBase) {
    if (e.code === L.ErrorCode.DuplicatedMessage) return 'duplicate';
    if (e.code === L.ErrorCode.UntrustedIdentity) return 'untrusted';
    return 'invalid';
  }
  throw e;
}

/** The failure kind of a promise that must reject. */
export async function failureOf(p: Promise<unknown>): Promise<FailureKind> {
  try {
    await p;
  } catch (e) {
    return failureKind(e);
  }
  throw new Error('expected a rejection');
}
