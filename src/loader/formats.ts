// Runtime helpers the precompiled validators (validators.generated.ts) call: ajv-formats' formats with a fast path
// for `date-time` in the one shape locks are written in (`2026-01-02T03:04:05Z`), and ajv's string length with one
// for strings without surrogates. A 1,000-tag lock set holds thousands of times and references: ajv-formats splits
// each time and runs two regular expressions on the parts; ajv counts each string's length character by character.

import ucs2lengthModule from 'ajv/dist/runtime/ucs2length.js';
import formatsModule from 'ajv-formats/dist/formats.js';

type Length = (s: string) => number;
const ajvUcs2length: Length =
  (ucs2lengthModule as unknown as { default?: Length }).default ?? (ucs2lengthModule as unknown as Length);
const HIGH_SURROGATE = /[\uD800-\uDBFF]/;

/** ajv's length of a string in code points: its `length` when no UTF-16 unit starts a surrogate pair. */
export function ucs2length(s: string): number {
  return HIGH_SURROGATE.test(s) ? ajvUcs2length(s) : s.length;
}

type FormatDefinition = { validate: (s: string) => boolean; compare?: unknown };
const full = (formatsModule as { default?: typeof formatsModule }).default ?? formatsModule;
const ajvDateTime = full.fullFormats['date-time'] as FormatDefinition;

const UTC_SECONDS = /^(\d\d\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * ajv-formats' `date-time` verdict: true at once for a valid time in whole UTC seconds (the checks ajv-formats makes
 * on that shape), anything else asked of ajv-formats itself (offsets, fractions, leap seconds, invalid strings).
 */
export function dateTime(s: string): boolean {
  const m = UTC_SECONDS.exec(s);
  if (m) {
    const year = +m[1]!;
    const month = +m[2]!;
    const day = +m[3]!;
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const days = month === 2 && leap ? 29 : DAYS[month]!;
    if (month >= 1 && month <= 12 && day >= 1 && day <= days && +m[4]! <= 23 && +m[5]! <= 59 && +m[6]! < 60) {
      return true;
    }
  }
  return ajvDateTime.validate(s);
}

/** ajv-formats' full formats with the fast `date-time` (the generated validators' `fullFormats`). */
export const fullFormats: Record<string, unknown> = {
  ...full.fullFormats,
  'date-time': { ...ajvDateTime, validate: dateTime },
};
