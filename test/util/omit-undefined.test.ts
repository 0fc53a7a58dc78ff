import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { omitUndefined } from '../../src/util/omit-undefined.js';
import { check } from '../helpers/property.js';

describe('omitUndefined', () => {
  it('drops only undefined values and keeps the order of the rest', () => {
    const out = omitUndefined({ a: undefined, b: '', c: 0, d: false, e: null, f: 'x' });
    expect(Object.keys(out)).toEqual(['b', 'c', 'd', 'e', 'f']);
    expect(out).toEqual({ b: '', c: 0, d: false, e: null, f: 'x' });
  });

  it('is the object a spread of `...(v !== undefined ? { k: v } : {})` per key builds (property)', async () => {
    const value = fc.oneof(
      fc.constant(undefined),
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    await check(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), value), (o) => {
        let spread = {};
        for (const [k, v] of Object.entries(o))
          spread = { ...spread, ...(v !== undefined ? { [k]: v } : {}) };
        expect(JSON.stringify(omitUndefined(o))).toBe(JSON.stringify(spread));
        expect(Object.values(omitUndefined(o))).not.toContain(undefined);
      }),
      200,
    );
  });
});
