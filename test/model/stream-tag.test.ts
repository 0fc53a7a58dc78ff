// A bad `[namespace/]stream:tag` is explained: which part, which character, the rule.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { streamTagProblem } from '../../src/model/stream-tag.js';

describe('streamTagProblem', () => {
  it.each([
    ['app:my tag', 'the tag "my tag" contains a space at position 3'],
    ['App:z', 'the stream name "App" contains upper-case "A" at position 1'],
    ['Team/app:1', 'the namespace "Team" contains upper-case "T" at position 1'],
    ['app', 'there is no ":tag" after the stream name "app"'],
    ['app:', 'the tag after "app:" is empty'],
    ['app:.x', 'the tag ".x" starts with "."'],
    ['app:a@b', 'the tag "a@b" contains "@" at position 2'],
    [`app:${'x'.repeat(129)}`, 'the tag is 129 characters long'],
  ])('%s: %s', (input, problem) => {
    expect(streamTagProblem(input)).toContain(problem);
  });

  it('finds nothing wrong with valid names, and names the one bad character put into a valid tag', () => {
    const namespace = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,9}[a-z0-9])?$/);
    const name = fc.stringMatching(/^[a-z0-9][-a-z0-9.]{0,10}$/);
    const tag = fc.stringMatching(/^\w[\w.-]{0,20}$/);
    const bad = fc.constantFrom(' ', '!', '@', '/', ':', '#', 'é');
    fc.assert(
      fc.property(namespace, name, tag, bad, fc.nat(), (ns, stream, t, c, at) => {
        expect(streamTagProblem(`${ns}/${stream}:${t}`)).toBeUndefined();
        const i = 1 + (at % t.length);
        const broken = t.slice(0, i) + c + t.slice(i);
        const p = streamTagProblem(`${stream}:${broken}`);
        expect(p).toContain(`at position ${i + 1}`);
        expect(p).toContain(c === ' ' ? 'a space' : JSON.stringify(c));
      }),
    );
  });
});
