import { describe, expect, it } from 'vitest';
import {
  decodeClientFrame,
  decodeServerFrame,
  encodeClientFrame,
  encodeServerFrame,
  MAX_FRAME_BYTES,
  WireError,
} from '../src/index.js';

const id = () => crypto.getRandomValues(new Uint8Array(16));

function sendFrame(overrides: Record<string, unknown> = {}): Uint8Array {
  return encodeClientFrame({
    requestId: 7,
    kind: {
      case: 'send',
      value: {
        id: id(),
        ttlSeconds: 30,
        envelopes: [{ accountId: id(), deviceId: 1, content: new Uint8Array([1, 2]) }],
        ...overrides,
      },
    },
  });
}

function codeOf(bytes: Uint8Array): string {
  try {
    decodeClientFrame(bytes);
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(WireError);
    return (e as WireError).code;
  }
}

describe('frames', () => {
  it('round-trips a send and a server envelope', () => {
    const frame = decodeClientFrame(sendFrame());
    expect(frame.requestId).toBe(7);
    expect(frame.kind.case).toBe('send');
    const server = decodeServerFrame(
      encodeServerFrame({
        kind: { case: 'envelope', value: { id: id(), content: new Uint8Array([9]), serverTimestampMs: 5n } },
      }),
    );
    expect(server.kind.case === 'envelope' && server.kind.value.serverTimestampMs).toBe(5n);
  });

  it('refuses schema violations with bad_request', () => {
    expect(codeOf(sendFrame({ id: new Uint8Array(15) }))).toBe('bad_request');
    expect(codeOf(sendFrame({ envelopes: [] }))).toBe('bad_request');
    expect(
      codeOf(sendFrame({ envelopes: [{ accountId: id(), deviceId: 0, content: new Uint8Array([1]) }] })),
    ).toBe('bad_request');
    expect(codeOf(encodeClientFrame({ requestId: 1 }))).toBe('bad_request');
    expect(codeOf(encodeClientFrame({ kind: { case: 'ack', value: { ids: [new Uint8Array(3)] } } }))).toBe(
      'bad_request',
    );
    expect(codeOf(new Uint8Array(MAX_FRAME_BYTES + 1))).toBe('payload_too_large');
  });

  it('random and mutated bytes give a WireError or a valid frame, never anything else', () => {
    const seed = sendFrame();
    for (let n = 0; n < 5000; n++) {
      const bytes =
        n % 2 === 0
          ? crypto.getRandomValues(new Uint8Array(n % 200))
          : seed.map((b) => (Math.random() < 0.05 ? (Math.random() * 256) | 0 : b));
      const code = codeOf(bytes);
      expect(['ok', 'bad_request']).toContain(code);
    }
  });
});
