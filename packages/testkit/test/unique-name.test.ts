import { uniqueName } from '@tacet/testkit';
import { describe, expect, it } from 'vitest';

describe('uniqueName', () => {
  it('gives distinct names with the prefix', () => {
    const a = uniqueName('tacet_test');
    expect(a).toMatch(/^tacet_test_[0-9a-f]{12}$/);
    expect(uniqueName('tacet_test')).not.toBe(a);
  });
});
