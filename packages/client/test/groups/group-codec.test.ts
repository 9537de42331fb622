/**
 * The versioned group codec: values round-trip, the encoding is canonical
 * (one byte string per value, so state hashes agree), and every malformed
 * input is refused with a typed GroupCodecError, never another exception.
 */
import { IdentityKeyPair } from '@tacet/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeGroupState,
  decodeSignedGroupChange,
  encodeGroupState,
  encodeSignedGroupChange,
  GroupCodecError,
  GroupLog,
  type GroupState,
  signGroupChange,
} from '../../src/groups/index.js';

const keys = IdentityKeyPair.generate();
const key = keys.publicKey.serialize();
const id = new Uint8Array(32).fill(3);
const create = signGroupChange(undefined, id, 'bob', keys.privateKey, {
  type: 'create',
  name: 'säkerhet',
  members: [
    { accountId: 'carol', identityKey: key },
    { accountId: 'bob', identityKey: key },
  ],
  admins: ['bob'],
  timerSeconds: 30,
});
const log = new GroupLog(id);
log.receive(create);
const state = log.state as GroupState;

function reason(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof GroupCodecError) return err.reason;
    throw err;
  }
  return 'accepted';
}

describe('group codec', () => {
  it('round-trips states and signed changes byte for byte', () => {
    const s = encodeGroupState(state);
    expect(encodeGroupState(decodeGroupState(s))).toEqual(s);
    expect(decodeGroupState(s)).toEqual(state);
    const c = encodeSignedGroupChange(create);
    expect(encodeSignedGroupChange(decodeSignedGroupChange(c))).toEqual(c);
    expect(decodeSignedGroupChange(c).change).toMatchObject({ type: 'create', admins: ['bob'] });
  });

  it('refuses each kind of malformed input with its reason', () => {
    const s = encodeGroupState(state);
    const c = encodeSignedGroupChange(create);
    expect(reason(() => decodeGroupState(s.subarray(0, s.length - 1)))).toBe('truncated');
    expect(reason(() => decodeGroupState(Uint8Array.of(...s, 0)))).toBe('trailing');
    expect(reason(() => decodeGroupState(Uint8Array.of(2, ...s.subarray(1))))).toBe('version');
    const typeAt = 1 + 32 + 4 + 32 + 2 + 3; // after version, id, version, base hash, signer "bob"
    expect(
      reason(() =>
        decodeSignedGroupChange(Uint8Array.of(...c.subarray(0, typeAt), 99, ...c.subarray(typeAt + 1))),
      ),
    ).toBe('unknown-change');
    // Members out of order: swap bob and carol in the encoded state.
    const swapped = encodeGroupState({ ...state, members: [...state.members].reverse() });
    expect(reason(() => decodeGroupState(swapped))).toBe('non-canonical');
    const badName = encodeGroupState({ ...state, name: 'ab' });
    const at = 1 + 32 + 4 + 2;
    badName[at] = 0xff;
    expect(reason(() => decodeGroupState(badName))).toBe('invalid-utf8');
    const notMember = encodeGroupState({ ...state, admins: ['dave'] });
    expect(reason(() => decodeGroupState(notMember))).toBe('non-canonical');
  });

  it('answers any mutation of a valid encoding with a value or a GroupCodecError', () => {
    const c = encodeSignedGroupChange(create);
    const s = encodeGroupState(state);
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.record({ at: fc.nat(), byte: fc.nat(255) }), { maxLength: 4 }),
        fc.nat(),
        (isState, edits, cut) => {
          const bytes = (isState ? s : c).slice();
          for (const e of edits) bytes[e.at % bytes.length] = e.byte;
          const input = bytes.subarray(0, bytes.length - (cut % 3));
          const r = reason(() => (isState ? decodeGroupState(input) : decodeSignedGroupChange(input)));
          expect(typeof r).toBe('string');
        },
      ),
      { numRuns: 500 },
    );
  });
});
