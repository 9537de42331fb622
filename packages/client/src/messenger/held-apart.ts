/**
 * Messages held apart (issue 9, item 1): a sealed message whose certificate
 * names a contact but carries another identity key is never shown in that
 * conversation, and none of its content (texts, timer changes) is applied.
 * Its sealed bytes are kept, undecrypted, under "a new key claims to be
 * NAME", at most {@link MAX_HELD_PER_SENDER} per sender. The claim records
 * whether the server's directory lists the new key; acceptance is offered
 * only then, and checked again on acceptance (client.ts acceptClaim), after
 * which the held messages are processed as if they had just arrived.
 */
import { PublicKey } from '@tacet/protocol';
import { fromBase64Url, toBase64Url } from '@tacet/wire';
import { ClientError } from '../errors.js';
import type { ClientStore } from '../store/types.js';
import type { IncomingEnvelope } from '../transport/connection.js';
import { fromHex, toHex } from '../util.js';

/** Claims, by claimed account id. */
export const CLAIMS_NS = 'identity-claim';
/** Held sealed envelopes of one claimed sender, by envelope id. */
export const heldNs = (accountId: string) => `held-apart:${accountId}`;
/** A flood from a new key costs at most this many stored envelopes per claimed sender; more are dropped. */
export const MAX_HELD_PER_SENDER = 64;

/** "A new key claims to be `accountId`." */
export interface IdentityClaim {
  readonly accountId: string;
  /** The new identity key (33 bytes). */
  readonly identityKey: Uint8Array;
  /** The server's directory listed this key when the last held message came. */
  readonly confirmed: boolean;
  /** Messages held apart under this claim. */
  readonly held: number;
}

const te = new TextEncoder();
const td = new TextDecoder();

export function encodeClaim(c: Omit<IdentityClaim, 'accountId'>): Uint8Array {
  return te.encode(
    JSON.stringify({ identityKey: toBase64Url(c.identityKey), confirmed: c.confirmed, held: c.held }),
  );
}

export function decodeClaim(accountId: string, bytes: Uint8Array): IdentityClaim {
  const v = JSON.parse(td.decode(bytes)) as { identityKey: string; confirmed: boolean; held: number };
  return { accountId, identityKey: fromBase64Url(v.identityKey), confirmed: v.confirmed, held: v.held };
}

/** Every open claim. */
export async function listClaims(store: ClientStore): Promise<IdentityClaim[]> {
  return (await store.listRecords(CLAIMS_NS)).map((r) => decodeClaim(r.key, r.value));
}

/** The held envelopes of `accountId`, each with the record that keeps it (deleted once processed). */
export async function heldEnvelopes(
  store: ClientStore,
  accountId: string,
): Promise<Array<{ envelope: IncomingEnvelope; record: { ns: string; key: string } }>> {
  const ns = heldNs(accountId);
  return (await store.listRecords(ns)).map((r) => ({
    envelope: { id: fromHex(r.key), content: r.value, serverTimestamp: 0 },
    record: { ns, key: r.key },
  }));
}

/** The record writes that hold `envelope` apart under a claim (`held` counts it already). */
export function holdWrites(
  accountId: string,
  envelope: IncomingEnvelope,
  claim: Omit<IdentityClaim, 'accountId'>,
): Array<{ ns: string; key: string; value: Uint8Array }> {
  return [
    { ns: heldNs(accountId), key: toHex(envelope.id), value: envelope.content },
    { ns: CLAIMS_NS, key: accountId, value: encodeClaim(claim) },
  ];
}

/**
 * The claim on `accountId` if the directory lists its key now; throws
 * otherwise (no claim, or a key the server does not vouch for).
 */
export async function confirmedClaim(
  store: ClientStore,
  accountId: string,
  name: string,
  directory: (accountId: string) => Promise<PublicKey | undefined>,
): Promise<IdentityClaim> {
  const bytes = await store.getRecord(CLAIMS_NS, accountId);
  if (!bytes) throw new ClientError('NoIdentityClaim', `no new key claims to be ${name}`, { name });
  const claim = decodeClaim(accountId, bytes);
  const listed = await directory(accountId);
  if (!listed?.equals(PublicKey.deserialize(claim.identityKey))) {
    throw new ClientError(
      'ClaimNotConfirmed',
      `the server's directory does not list the new key claiming to be ${name}: it cannot be accepted`,
      { name },
    );
  }
  return claim;
}
