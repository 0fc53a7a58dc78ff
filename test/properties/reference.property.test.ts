import fc from 'fast-check';
import { expect, it } from 'vitest';
import { formatFull, parseReference, tryParseReference } from '../../src/model/reference.js';
import { check } from '../helpers/property.js';

const lower = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
const component = fc
  .tuple(
    fc.array(lower, { minLength: 1, maxLength: 6 }),
    fc.constantFrom('', '.', '_', '__', '-', '--'),
    fc.array(lower, { minLength: 1, maxLength: 4 }),
  )
  .map(([a, sep, b]) => (sep ? `${a.join('')}${sep}${b.join('')}` : a.join('')));
const domain = fc.oneof(
  fc.constantFrom('docker.io', 'quay.io', 'ghcr.io', 'localhost', 'index.docker.io', '127.0.0.1', '[::1]'),
  fc
    .tuple(
      component,
      fc.constantFrom('.example.com', '.io', ''),
      fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    )
    .map(
      ([h, d, p]) =>
        `${h.replace(/[_]/g, '-').replace(/^-+|-+$/g, '') || 'r'}${d || '.local'}${p ? `:${p}` : ''}`,
    ),
);
const tag = fc
  .tuple(
    fc.constantFrom(...'abcXYZ019_'.split('')),
    fc.array(fc.constantFrom(...'abcXYZ019_.-'.split('')), { maxLength: 20 }),
  )
  .map(([h, t]) => h + t.join(''));
const digest = fc
  .array(fc.constantFrom(...'0123456789abcdef'.split('')), { minLength: 64, maxLength: 64 })
  .map((h) => `sha256:${h.join('')}`);
const validRef = fc
  .tuple(
    fc.option(domain, { nil: undefined }),
    fc.array(component, { minLength: 1, maxLength: 3 }),
    fc.option(tag, { nil: undefined }),
    fc.option(digest, { nil: undefined }),
  )
  .map(([d, path, t, g]) => `${d ? `${d}/` : ''}${path.join('/')}${t ? `:${t}` : ''}${g ? `@${g}` : ''}`);

it('the reference parser never throws on any string: a reference or an INVALID_REFERENCE error', async () => {
  const hostile = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'binary', maxLength: 100 }),
    validRef.chain((r) =>
      fc.tuple(fc.nat(r.length), fc.string({ maxLength: 4 })).map(([i, s]) => r.slice(0, i) + s + r.slice(i)),
    ),
    fc.constantFrom(
      '\nRUN curl x | sh',
      'a@sha256:' + 'f'.repeat(64) + '\nX',
      '../../etc/passwd',
      '//',
      ':',
      '@',
      'a:b:c',
    ),
  );
  await check(
    fc.property(hostile, (s) => {
      const r = tryParseReference(s);
      if ('error' in r) expect(r.error.code).toBe('INVALID_REFERENCE');
      else {
        // Whatever parses carries no control characters or whitespace into the values consumers receive.
        expect(formatFull(r.ref)).not.toMatch(/[\s\u0000-\u001f]/);
      }
    }),
    500,
  );
});

it('valid references parse, and their full form is a fixpoint of parse', async () => {
  let parsed = 0;
  await check(
    fc.property(validRef, (s) => {
      const r = tryParseReference(s);
      if ('error' in r) return; // e.g. a generated name over 255 characters; covered by the property above
      parsed++;
      const full = formatFull(r.ref);
      expect(parseReference(full)).toEqual(r.ref);
      expect(formatFull(parseReference(full))).toBe(full);
    }),
    500,
  );
  expect(parsed).toBeGreaterThan(400);
});
