// The precompiled validators' runtime helpers (src/loader/formats.ts, fast paths for what locks hold) answer as
// ajv's own: `date-time` gives ajv-formats' verdict on near-valid times in every shape (any digits, leap days and
// seconds, offsets, fractions, lower case, other separators) and arbitrary strings; the string length is ajv's on
// strings of every kind of UTF-16 unit (pairs, lone and reversed surrogates).

import ucs2lengthModule from 'ajv/dist/runtime/ucs2length.js';
import formatsModule from 'ajv-formats/dist/formats.js';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { dateTime, fullFormats, ucs2length } from '../../src/loader/formats.js';
import { check } from '../helpers/property.js';

const ajvDateTime = (formatsModule.fullFormats['date-time'] as { validate: (s: string) => boolean }).validate;

const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));
/** Mostly `usual` (the shape locks are written in, the fast path), sometimes one of `others`. */
const mostly = (usual: string, ...others: string[]) =>
  fc.oneof(
    { arbitrary: fc.constant(usual), weight: 4 },
    { arbitrary: fc.constantFrom(...others), weight: 1 },
  );
const nearTime = fc
  .tuple(
    fc.oneof(digits(4), fc.constantFrom('2000', '1900', '2024', '2100', '2026')),
    fc.oneof(digits(2), fc.constantFrom('01', '02', '12', '13', '00')),
    fc.oneof(digits(2), fc.constantFrom('28', '29', '30', '31', '00')),
    mostly('T', 't', ' ', 'X', 'TT'),
    fc.oneof(digits(2), fc.constantFrom('23', '24', '00')),
    fc.oneof(digits(2), fc.constantFrom('59', '60')),
    fc.oneof(digits(2), fc.constantFrom('59', '60', '61')),
    mostly('', '.5', '.123456'),
    mostly('Z', 'z', '', '+01:00', '-23:59', '+0100', 'ZZ', 'Z\n'),
  )
  .map(([y, mo, d, sep, h, mi, s, frac, tz]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${s}${frac}${tz}`);

it('date-time gives ajv-formats’ verdict on every string', async () => {
  await check(
    fc.property(
      fc.oneof({ arbitrary: nearTime, weight: 8 }, fc.string(), fc.string({ unit: 'binary' })),
      (s) => {
        expect(dateTime(s)).toBe(ajvDateTime(s));
      },
    ),
    3000,
    [
      ['2026-11-30T14:49:56Z'],
      ['2024-02-29T00:00:00Z'],
      ['2023-02-29T00:00:00Z'],
      ['2000-02-29T00:00:00Z'],
      ['1900-02-29T00:00:00Z'],
      ['2026-12-31T23:59:60Z'],
    ],
  );
});

it('is the date-time the generated validators call, the other formats ajv-formats’ own', () => {
  expect((fullFormats['date-time'] as { validate: unknown }).validate).toBe(dateTime);
  expect(fullFormats.uri).toBe(formatsModule.fullFormats.uri);
});

type Length = (s: string) => number;
const ajvUcs2length: Length =
  (ucs2lengthModule as unknown as { default?: Length }).default ?? (ucs2lengthModule as unknown as Length);

it('the string length is ajv’s on every string', async () => {
  const unit = fc.oneof(
    fc.string({ unit: 'grapheme-ascii', maxLength: 3 }),
    fc.string({ unit: 'binary', maxLength: 3 }),
    fc.constantFrom('\uD83D\uDE00', '\uD83D', '\uDE00', '\uDE00\uD83D', '\uDBFF', '\uD800'),
  );
  await check(
    fc.property(fc.array(unit, { maxLength: 8 }), (parts) => {
      const s = parts.join('');
      expect(ucs2length(s)).toBe(ajvUcs2length(s));
    }),
    2000,
  );
});
