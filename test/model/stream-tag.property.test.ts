// The one stream-tag parser and formatter agree: every valid ref survives format → parse unchanged, and every
// input broken in one part is refused with an error that names that part and its text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatStreamTag, parseStreamTag, type StreamTagName } from '../../src/model/stream-tag.js';
import { check } from '../helpers/property.js';

const namespace = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
const stream = fc.stringMatching(/^[a-z0-9][-a-z0-9._]{0,30}$/);
const tag = fc.stringMatching(/^\w[\w.-]{0,127}$/);
const ref: fc.Arbitrary<StreamTagName> = fc.record(
  { namespace, stream, tag },
  { requiredKeys: ['stream', 'tag'] },
);

/** A character that no part accepts, and one that is fine in a tag but not in a name. */
const badChar = fc.constantFrom(' ', '!', '#', 'é', '\t', '$', '%');

describe('parseStreamTag / formatStreamTag', () => {
  it('round-trips every valid ref, with or without a namespace', async () => {
    await check(
      fc.property(ref, (r) => {
        const parsed = parseStreamTag(formatStreamTag(r));
        expect(parsed).toEqual({ ref: r });
      }),
      300,
    );
  });

  it('refuses an input broken in one part with an error naming that part and its text', async () => {
    const part = fc.constantFrom('namespace', 'stream', 'tag' as const);
    await check(
      fc.property(ref, part, badChar, fc.nat(), (r, which, c, at) => {
        const broken = { namespace: r.namespace ?? 'ns', stream: r.stream, tag: r.tag };
        const text = broken[which];
        const i = at % (text.length + 1);
        broken[which] = text.slice(0, i) + c + text.slice(i);
        const parsed = parseStreamTag(formatStreamTag(broken));
        expect('error' in parsed, JSON.stringify(broken)).toBe(true);
        if (!('error' in parsed)) return;
        expect(parsed.error.part).toBe(which);
        expect(parsed.error.text).toBe(broken[which]);
        expect(parsed.error.message).toContain(`"${broken[which]}"`);
      }),
      300,
    );
  });

  it('names the part for the forms that have no bad character', () => {
    const cases: Array<[string, Parameters<typeof parseStreamTag>[1], string, string]> = [
      ['app', {}, 'tag', 'missing'],
      ['team/app:1', { namespace: false }, 'namespace', 'refused'],
      ['-team/app:1', {}, 'namespace', 'invalid'],
      ['team-/app:1', {}, 'namespace', 'invalid'],
      ['.app:1', {}, 'stream', 'invalid'],
      [`${'a'.repeat(254)}:1`, {}, 'stream', 'invalid'],
      ['app:.x', {}, 'tag', 'invalid'],
      ['app:a@b', { tag: 'any' }, 'tag', 'invalid'],
    ];
    for (const [input, o, part, problem] of cases) {
      const r = parseStreamTag(input, o);
      expect('error' in r && r.error, input).toMatchObject({ part, problem });
    }
  });

  it('reads the tag as the options say: optional, latest by default, or any spelling', () => {
    expect(parseStreamTag('app', { tag: 'optional' })).toEqual({ ref: { stream: 'app', tag: '' } });
    expect(parseStreamTag('app:', { tag: 'latest' })).toEqual({ ref: { stream: 'app', tag: 'latest' } });
    expect(parseStreamTag('ns/app:-odd', { tag: 'any' })).toEqual({
      ref: { namespace: 'ns', stream: 'app', tag: '-odd' },
    });
  });
});
