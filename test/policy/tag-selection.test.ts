// Tag selection policies, pure: each kind's choice, filters and extracts, ties, the first-seen ledger, the
// validation of the annotations, and a property: the choice is a qualifying tag no other qualifying tag beats.
import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { parseDeclarations } from '../../src/loader/declarations.js';
import {
  candidates,
  MAX_FIRST_SEEN,
  parseTagPolicy,
  selectTag,
  type TagPolicy,
} from '../../src/policy/tag-selection.js';
import { validateStreams } from '../../src/policy/validate.js';
import { check } from '../helpers/property.js';

const NOW = '2026-11-27T12:00:00Z';
function policy(a: Record<string, string>): TagPolicy {
  const r = parseTagPolicy(
    Object.fromEntries(Object.entries(a).map(([k, v]) => [`imagestreams.dev/${k}`, v])),
  );
  expect(r.problems).toEqual([]);
  return r.policy!;
}
const pick = (p: TagPolicy, tags: string[], current?: string) =>
  selectTag(p, tags, { now: NOW, ...(current ? { current } : {}) }).tag;

describe('tag selection policies', () => {
  it('semver: the highest in the range; prereleases only when asked; v-prefixed tags count', () => {
    const tags = ['1.4.2', '1.5.0', '1.6.0-rc.1', '2.0.0', 'latest', 'v1.5.3'];
    expect(pick(policy({ 'tag-policy': 'semver' }), tags)).toBe('2.0.0');
    expect(pick(policy({ 'tag-policy': 'semver', 'semver-range': '<2' }), tags)).toBe('v1.5.3');
    expect(pick(policy({ 'tag-policy': 'semver', 'semver-range': '^1', prereleases: 'true' }), tags)).toBe(
      '1.6.0-rc.1',
    );
    expect(pick(policy({ 'tag-policy': 'semver', 'semver-range': '>=3' }), tags)).toBeUndefined();
  });

  it('numerical and alphabetical: asc picks the highest, desc the lowest; non-numbers are left out', () => {
    const nums = ['9', '10', '100', 'latest', '1e3', '-4'];
    expect(pick(policy({ 'tag-policy': 'numerical' }), nums)).toBe('100');
    expect(pick(policy({ 'tag-policy': 'numerical', 'tag-order': 'desc' }), nums)).toBe('-4');
    expect(pick(policy({ 'tag-policy': 'alphabetical' }), ['a', 'B', 'b'])).toBe('b');
    expect(pick(policy({ 'tag-policy': 'alphabetical', 'tag-order': 'desc' }), ['a', 'B', 'b'])).toBe('B');
  });

  it('a regex filter orders by its extract: Go-style $name and (?P<name>), $1 and $<name>', () => {
    const tags = ['main-abc-17', 'main-def-9', 'pr-1-99', 'main-xyz-12'];
    for (const extract of ['$ts', '${ts}', '$<ts>', '$1']) {
      const p = policy({
        'tag-policy': 'numerical',
        'tag-pattern': '^main-[a-z]+-(?P<ts>\\d+)$',
        'tag-extract': extract,
      });
      expect(pick(p, tags), extract).toBe('main-abc-17');
    }
    expect(candidates(policy({ 'tag-policy': 'alphabetical', 'tag-pattern': '^main-' }), tags)).toHaveLength(
      3,
    );
  });

  it('ties go to the declared tag, then to the greatest name', () => {
    const p = policy({ 'tag-policy': 'numerical', 'tag-pattern': '^(\\d+)-', 'tag-extract': '$1' });
    expect(pick(p, ['5-a', '5-b', '4-z'])).toBe('5-b');
    expect(pick(p, ['5-a', '5-b', '4-z'], '5-a')).toBe('5-a');
  });

  it('first-seen keeps a ledger of qualifying tags and picks the one seen last; too many is refused', () => {
    const p = policy({ 'tag-policy': 'first-seen' });
    const first = selectTag(p, ['b', 'a'], { now: NOW, current: 'a' });
    expect(first).toEqual({ tag: 'a', considered: 2, firstSeen: { a: NOW, b: NOW } });
    const later = '2026-11-28T00:00:00Z';
    const second = selectTag(p, ['a', 'c'], { now: later, current: 'a', firstSeen: first.firstSeen! });
    expect(second.tag).toBe('c');
    expect(second.firstSeen).toEqual({ a: NOW, c: later });
    const many = Array.from({ length: MAX_FIRST_SEEN + 1 }, (_, i) => `t${i}`);
    expect(selectTag(p, many, { now: NOW }).problem).toMatch(
      /narrow them with imagestreams.dev\/tag-pattern/,
    );
  });

  it('property: the chosen semver tag qualifies and no qualifying tag is higher', async () => {
    const version = fc
      .tuple(
        fc.nat(20),
        fc.nat(20),
        fc.nat(20),
        fc.option(fc.constantFrom('rc.1', 'beta'), { nil: undefined }),
      )
      .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre}` : ''}`);
    const range = fc.constantFrom('*', '^1', '>=2.0.0 <10', '~3.1', '>=5');
    await check(
      fc.property(fc.array(version, { maxLength: 40 }), range, fc.boolean(), (tags, r, pre) => {
        const p = policy({ 'tag-policy': 'semver', 'semver-range': r, prereleases: String(pre) });
        const ok = (t: string) =>
          (pre || semver.prerelease(t) === null) && semver.satisfies(t, r, { includePrerelease: pre });
        const chosen = pick(p, tags);
        const qualifying = tags.filter(ok);
        if (qualifying.length === 0) return chosen === undefined;
        return chosen !== undefined && ok(chosen) && qualifying.every((t) => semver.lte(t, chosen));
      }),
      300,
    );
  });
});

describe('validation of the tag-policy annotations', () => {
  const validate = (annotations: string, from = 'quay.io/org/app:1.0.0', kind = 'DockerImage') => {
    const yaml = [
      'kind: ImageStream',
      'metadata: {name: app}',
      'spec:',
      '  tags:',
      '    - name: web',
      '      annotations:',
      ...annotations.split('\n').map((l) => `        ${l}`),
      `      from: {kind: ${kind}, name: "${from}"}`,
    ].join('\n');
    const parsed = parseDeclarations('s.yaml', yaml, { defaultNamespace: 'default' });
    return validateStreams(parsed.streams, {}).map((d) => `${d.line}:${d.code}: ${d.message}`);
  };

  it('accepts a valid policy', () => {
    expect(
      validate('imagestreams.dev/tag-policy: semver\nimagestreams.dev/semver-range: ">=1.4 <2"'),
    ).toEqual([]);
  });

  it('reports each problem at its annotation, with what to write', () => {
    expect(validate('imagestreams.dev/tag-policy: newest')).toEqual([
      '7:INVALID_TAG_POLICY: imagestreams.dev/tag-policy "newest" is not a policy: use one of semver, numerical, alphabetical, first-seen',
    ]);
    expect(validate('imagestreams.dev/tag-policy: semver\nimagestreams.dev/semver-range: "=>1"')[0]).toMatch(
      /^8:INVALID_TAG_POLICY: .*is not a semver range/,
    );
    expect(validate('imagestreams.dev/tag-policy: numerical\nimagestreams.dev/tag-pattern: "("')[0]).toMatch(
      /^8:INVALID_TAG_POLICY: imagestreams.dev\/tag-pattern is not a regular expression/,
    );
    expect(validate('imagestreams.dev/tag-extract: "$1"')[0]).toMatch(/tag-policy is missing/);
    expect(
      validate('imagestreams.dev/tag-policy: semver', 'quay.io/org/app@sha256:' + 'a'.repeat(64))[0],
    ).toMatch(/from.name must name a tag the policy can replace, not a digest/);
    expect(validate('imagestreams.dev/tag-policy: semver', 'other:tag', 'ImageStreamTag')[0]).toMatch(
      /needs from.kind DockerImage/,
    );
  });
});
