// Generated references and digests: what distribution/reference and go-digest accept parses, normalises once
// (parsing the full form again gives the same reference) and round-trips. A failure prints fast-check's seed and
// path; replay with IMAGESTREAMS_PROPERTY_SEED / IMAGESTREAMS_PROPERTY_PATH.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDigest, DIGEST_ALGORITHMS } from '../../src/model/digest.js';
import { formatFull, parseReference, tryParseReference } from '../../src/model/reference.js';

const replay = {
  ...(process.env.IMAGESTREAMS_PROPERTY_SEED ? { seed: Number(process.env.IMAGESTREAMS_PROPERTY_SEED) } : {}),
  ...(process.env.IMAGESTREAMS_PROPERTY_PATH ? { path: process.env.IMAGESTREAMS_PROPERTY_PATH } : {}),
};

const alnum = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const component = fc
  .tuple(alnum, fc.array(fc.tuple(fc.constantFrom('.', '_', '__', '-', '--'), alnum), { maxLength: 2 }))
  .map(([a, rest]) => a + rest.map(([s, b]) => s + b).join(''));
const path = fc.array(component, { minLength: 1, maxLength: 4 }).map((c) => c.join('/'));
const host = fc.oneof(
  fc.constantFrom(
    'docker.io',
    'index.docker.io',
    'quay.io',
    'localhost',
    'LOCALDOMAIN',
    'Registry.Example.COM',
  ),
  fc
    .array(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?$/), { minLength: 2, maxLength: 3 })
    .map((l) => l.join('.')),
  fc.constantFrom('[::1]', '[2001:db8::1]', '[fc00:1:2:3:4:5:6:7]'),
);
const domain = fc.option(fc.tuple(host, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })), {
  nil: undefined,
});
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
const digest = fc
  .tuple(fc.constantFrom(...Object.keys(DIGEST_ALGORITHMS)), fc.nat())
  .chain(([alg]) =>
    fc.stringMatching(new RegExp(`^[0-9a-f]{${DIGEST_ALGORITHMS[alg]}}$`)).map((hex) => `${alg}:${hex}`),
  );

describe('references, generated', () => {
  it('every valid reference parses, and its full form parses back to the same reference', () => {
    fc.assert(
      fc.property(
        domain,
        path,
        fc.option(tag, { nil: undefined }),
        fc.option(digest, { nil: undefined }),
        (d, p, t, dg) => {
          const name = d ? `${d[0]}${d[1] !== undefined ? `:${d[1]}` : ''}/${p}` : p;
          // Without a registry the first component must not look like one (a "." makes it a host upstream too).
          fc.pre(d !== undefined || !p.split('/')[0]!.includes('.') || !p.includes('/'));
          fc.pre(!/^[a-f0-9]{64}$/.test(name) && name.length < 240);
          const input = `${name}${t !== undefined ? `:${t}` : ''}${dg !== undefined ? `@${dg}` : ''}`;
          const r = parseReference(input);
          expect(r.tag).toBe(t);
          expect(r.digest).toBe(dg);
          expect(parseReference(formatFull(r))).toEqual(r);
        },
      ),
      replay,
    );
  });

  it('a digest is valid exactly when its algorithm is registered and its hex is lower case of the right length', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('sha256', 'sha384', 'sha512', 'sha1', 'md5', 'SHA256', 'sha256+b64'),
        fc.stringMatching(/^[0-9a-fA-Fg]{0,130}$/),
        (alg, hex) => {
          const size = Object.hasOwn(DIGEST_ALGORITHMS, alg) ? DIGEST_ALGORITHMS[alg] : undefined;
          const valid = size !== undefined && hex.length === size && /^[0-9a-f]+$/.test(hex);
          expect('digest' in checkDigest(`${alg}:${hex}`)).toBe(valid);
          if (!valid) expect('error' in tryParseReference(`quay.io/a@${alg}:${hex}`)).toBe(true);
        },
      ),
      replay,
    );
  });
});
