// Generated references and digests: what distribution/reference and go-digest accept parses, normalises once
// (parsing the full form again gives the same reference) and round-trips. A failure prints fast-check's seed and
// path; replay with IMAGESTREAMS_PROPERTY_SEED / IMAGESTREAMS_PROPERTY_PATH.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDigest, DIGEST_ALGORITHMS } from '../../src/model/digest.js';
import {
  formatFull,
  parseReference,
  parseReferenceUncached,
  REFERENCE_MEMO_MAX,
  tryParseReference,
} from '../../src/model/reference.js';
import { retainedBytes } from '../helpers/retained.js';

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

  // parseReference remembers valid references: the memo must never change an answer, valid or not.
  it('the memoised parse agrees with the unmemoised one, on valid and invalid references', () => {
    const outcome = (f: () => unknown) => {
      try {
        return { ref: f() };
      } catch (e) {
        const err = e as { name: string; message: string; code?: string; data?: unknown };
        return { error: { name: err.name, message: err.message, code: err.code, data: err.data } };
      }
    };
    const reference = fc
      .tuple(domain, path, fc.option(tag, { nil: undefined }), fc.option(digest, { nil: undefined }))
      .map(([d, p, t, dg]) => {
        const name = d ? `${d[0]}${d[1] !== undefined ? `:${d[1]}` : ''}/${p}` : p;
        return `${name}${t !== undefined ? `:${t}` : ''}${dg !== undefined ? `@${dg}` : ''}`;
      });
    const noise = fc.stringMatching(/^[a-zA-Z0-9.:/@_\-[\] ]{0,30}$/);
    // Valid references, strings of reference characters, and valid ones with a character changed.
    const input = fc.oneof(
      reference,
      noise,
      fc
        .tuple(reference, fc.nat(), fc.constantFrom('@', ':', '/', ' ', 'A', '.', ''))
        .map(([r, i, c]) => r.slice(0, i % (r.length + 1)) + c + r.slice((i % (r.length + 1)) + 1)),
    );
    fc.assert(
      fc.property(input, (text) => {
        const plain = outcome(() => parseReferenceUncached(text));
        const first = outcome(() => parseReference(text));
        const again = outcome(() => parseReference(text));
        expect(first).toEqual(plain);
        expect(again).toEqual(plain);
        if ('ref' in first) {
          expect(Object.isFrozen(first.ref)).toBe(true);
          expect(again.ref).toBe(first.ref);
        }
        const tried = tryParseReference(text);
        if (plain.error) expect('error' in tried && tried.error.message).toBe(plain.error.message);
        else expect('ref' in tried && tried.ref).toEqual(plain.ref);
      }),
      replay,
    );
  });

  it('the memo stays bounded: past its size it starts afresh and still answers right', () => {
    const refs = Array.from({ length: REFERENCE_MEMO_MAX + 10 }, (_, i) => `quay.io/org/app${i}:v1`);
    const first = parseReference(refs[0]!);
    for (const r of refs) parseReference(r);
    const later = parseReference(refs[0]!);
    expect(later).toEqual(first);
    expect(later).not.toBe(first);
  });

  it('what the memo keeps does not keep the text a reference was cut from (a declaration file)', () => {
    // 200 files of ~100 KB (20 MB), a reference cut from each: the memo holds every reference for the process.
    const { bytes, kept } = retainedBytes(() => {
      const out = [];
      for (let i = 0; i < 200; i++) {
        const text = `${'#'.repeat(100_000)}quay.io/retained/app${i}:v1\n`;
        out.push(parseReference(text.slice(100_000, -1)));
      }
      return out;
    });
    expect(kept[199]).toEqual({ domain: 'quay.io', path: 'retained/app199', tag: 'v1' });
    expect(bytes).toBeLessThan(2_000_000);
  });
});
