import { describe, expect, it } from 'vitest';
import { ClientError } from '../../src/errors.js';
import { formatDuration, formatRemaining, parseDuration } from '../../src/timers/duration.js';

describe('timer durations', () => {
  it('parses the settings people type', () => {
    expect(parseDuration('30s')).toBe(30);
    expect(parseDuration('5m')).toBe(300);
    expect(parseDuration('1d')).toBe(86400);
    expect(parseDuration('4w')).toBe(2419200);
    expect(parseDuration('off')).toBe(0);
    expect(parseDuration('45')).toBe(45);
  });

  it('rejects values outside 5s..4w and junk with a clear error', () => {
    for (const bad of ['4s', '5w', '29d', '1y', '', 'soon', '-5s', '1.5m']) {
      const err = (() => {
        try {
          parseDuration(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(err, bad).toBeInstanceOf(ClientError);
      expect((err as ClientError).code).toBe('InvalidDuration');
    }
  });

  it('formats settings and countdowns', () => {
    expect(formatDuration(300)).toBe('5m');
    expect(formatDuration(90)).toBe('90s');
    expect(formatDuration(0)).toBe('off');
    expect(formatRemaining(29_001)).toBe('30s');
    expect(formatRemaining(61_000)).toBe('2m');
    expect(formatRemaining(-5)).toBe('0s');
  });
});
