// Which pull requests qualify for `autoMerge: {only: digest}`, as a table over the diff's parts; and the lock split
// that puts a republished release tag into a PR of its own.

import { describe, expect, it } from 'vitest';
import { digestOnlyAfterSoak } from '../../src/plan/auto-merge.js';
import type { TagChange } from '../../src/plan/changes.js';
import { mixLock, republishedTagNames } from '../../src/plan/republished-split.js';
import type { StreamLike } from '../../src/policy/tag-spec.js';
import { digest, historyItem, streamLock } from '../helpers/builders.js';

const soak = { 'imagestreams.dev/minimum-age': '1d' };
const declarations = new Map<string, StreamLike>([
  [
    'default/app',
    {
      metadata: { name: 'app' },
      spec: {
        tags: [
          { name: 'stable', annotations: soak, from: { kind: 'DockerImage', name: 'r/app:stable' } },
          { name: 'edge', from: { kind: 'DockerImage', name: 'r/app:edge' } },
          { name: 'follower', from: { kind: 'ImageStreamTag', name: 'stable' } },
          { name: '1.2.3', annotations: soak, from: { kind: 'DockerImage', name: 'r/app:1.2.3' } },
        ],
      },
    },
  ],
]);
const amd64 = { os: 'linux', architecture: 'amd64', digest: digest('1'), mediaType: 'm' };
const arm64 = { os: 'linux', architecture: 'arm64', digest: digest('2'), mediaType: 'm' };
const moved = (tag: string, extra: Partial<TagChange> = {}): TagChange => ({
  namespace: 'default',
  stream: 'app',
  tag,
  kind: 'moved',
  source: '',
  from: historyItem('r/app', digest('a')),
  to: historyItem('r/app', digest('b')),
  ...extra,
});
const verdict = (tags: TagChange[], notes: Parameters<typeof digestOnlyAfterSoak>[0]['notes'] = []) =>
  digestOnlyAfterSoak({
    changes: [{ namespace: 'default', stream: 'app', lockFile: 'l', tags }],
    notes,
    declarations,
  });

describe('digest-only bumps after soak', () => {
  it.each([
    ['a soaked tag moved', [moved('stable')], [], true],
    ['a follower of a soaked tag moved', [moved('follower')], [], true],
    ['a tag without minimum-age moved', [moved('stable'), moved('edge')], [], false],
    ['a new tag', [moved('stable', { kind: 'new' })], [], false],
    ['a rollback', [moved('stable', { kind: 'rollback' })], [], false],
    ['a failed import', [moved('stable', { kind: 'failed' })], [], false],
    ['a republished release tag', [moved('1.2.3')], [], false],
    ['a declaration edit', [moved('stable')], [{ kind: 'added' as const, tag: 'x', now: 'y' }], false],
    ['nothing moved', [], [], false],
  ])('%s → %s', (_, tags, notes, ok) => {
    expect(verdict(tags, notes).ok).toBe(ok);
  });

  it('a lost platform does not qualify', () => {
    const from = { ...historyItem('r/app', digest('a')), platforms: [amd64, arm64] };
    const to = { ...historyItem('r/app', digest('b')), platforms: [amd64] };
    expect(verdict([moved('stable', { from, to })])).toEqual({
      ok: false,
      reason: 'default/app:stable loses platforms',
    });
  });
});

describe('republished release tags', () => {
  const base = streamLock('default', 'app', {
    '1.2.3': [historyItem('r/app', digest('a'))],
    latest: [historyItem('r/app', digest('c'))],
  });
  it('are release-named tags whose digest moved with the same source, not rollbacks', () => {
    const work = streamLock('default', 'app', {
      '1.2.3': [historyItem('r/app', digest('b')), historyItem('r/app', digest('a'))],
      latest: [historyItem('r/app', digest('d')), historyItem('r/app', digest('c'))],
    });
    expect(republishedTagNames(base, work)).toEqual(['1.2.3']);
    const back = streamLock('default', 'app', {
      '1.2.3': [historyItem('r/app', digest('e')), historyItem('r/app', digest('a'))],
    });
    const rolled = streamLock('default', 'app', {
      '1.2.3': [historyItem('r/app', digest('a')), historyItem('r/app', digest('e'))],
    });
    expect(republishedTagNames(back, rolled)).toEqual([]);
  });
  it('split a lock by tag: each side takes its tags from the work lock, the rest from the base', () => {
    const work = streamLock('default', 'app', {
      '1.2.3': [historyItem('r/app', digest('b'))],
      latest: [historyItem('r/app', digest('d'))],
      added: [historyItem('r/app', digest('f'))],
    });
    const images = (l: ReturnType<typeof mixLock>) =>
      Object.fromEntries(l.status.tags.map((t) => [t.tag, t.items[0]!.image]));
    expect(images(mixLock(base, work, (t) => t !== '1.2.3'))).toEqual({
      '1.2.3': digest('a'),
      latest: digest('d'),
      added: digest('f'),
    });
    expect(images(mixLock(base, work, (t) => t === '1.2.3'))).toEqual({
      '1.2.3': digest('b'),
      latest: digest('c'),
    });
  });
});
