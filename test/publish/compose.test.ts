// The pure part of the review contract: a group's branch content from the base and its desired state, and the
// description of that diff (tag changes and declaration notes).
import { describe, expect, it } from 'vitest';
import type { StreamLock, TagHistoryItem } from '../../src/model/lock.js';
import { serializeLock } from '../../src/model/lock-format.js';
import { declarationNotes, lockChanges } from '../../src/plan/branch-diff.js';
import type { StreamLike, TagSpecLike } from '../../src/policy/tag-spec.js';
import { composeGroup } from '../../src/publish/compose.js';
import { digest as D, historyItem, streamLock as lock } from '../helpers/builders.js';

const item = (c: string, created = '2026-01-01T00:00:00Z'): TagHistoryItem =>
  historyItem('quay.io/org/img', D(c), created);
const decl = (name: string, tag: string, from: string) =>
  `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata: {name: ${name}}\nspec:\n  tags:\n    - name: "${tag}"\n      from: {kind: DockerImage, name: "${from}"}\n`;

const SHARED = [
  'services:',
  '  a:',
  `    image: quay.io/org/img:a@${D('1')} # imagestream: a:x`,
  '  b:',
  `    image: quay.io/org/img@${D('1')} # imagestream: b:x`,
  '',
].join('\n');

function input(aLock: StreamLock) {
  const base = new Map<string, string | undefined>([
    ['imagestreams.lock/default/a.json', serializeLock(lock('default', 'a', { x: [item('1')] }))],
    ['imagestreams/a.yaml', decl('a', 'x', 'quay.io/org/img:a')],
    ['deploy/shared.yaml', SHARED],
    ['deploy/local-only.yaml', undefined],
  ]);
  const work = new Map<string, string | undefined>([
    ['imagestreams.lock/default/a.json', serializeLock(aLock)],
    ['imagestreams/a.yaml', decl('a', 'x', 'quay.io/org/img:a')],
  ]);
  return {
    streams: [
      {
        namespace: 'default',
        stream: 'a',
        lockFile: 'imagestreams.lock/default/a.json',
        declarationFile: 'imagestreams/a.yaml',
      },
    ],
    declarationFiles: ['imagestreams/a.yaml'],
    consumerFiles: ['deploy/shared.yaml', 'deploy/local-only.yaml'],
    base,
    work,
    defaultNamespace: 'default',
  };
}

describe('composeGroup', () => {
  it("in values with split fields of several groups' streams sets only the group's fields", () => {
    const values = [
      'app:',
      `  repository: quay.io/org/img # imagestream: a:x:repository`,
      `  tag: "a" # imagestream: a:x:tag`,
      `  digest: ${D('1')} # imagestream: a:x:digest`,
      'sidecar:',
      `  repository: quay.io/org/img # imagestream: b:x:repository`,
      `  tag: "b" # imagestream: b:x:tag`,
      `  digest: ${D('1')} # imagestream: b:x:digest`,
      '',
    ].join('\n');
    const i = input(lock('default', 'a', { x: [item('2'), item('1')] }));
    i.base.set('deploy/values.yaml', values);
    i.consumerFiles.push('deploy/values.yaml');
    const out = composeGroup(i);
    expect(out.files.get('deploy/values.yaml')).toBe(
      values.replace(`${D('1')} # imagestream: a:x`, `${D('2')} # imagestream: a:x`),
    );
    expect(out.consumers.filter((c) => c.file === 'deploy/values.yaml')).toEqual([
      expect.objectContaining({ line: 4, follows: 'default/a:x', from: D('1'), to: D('2') }),
    ]);
  });
  it("in a shared file sets only the group's values, from the base's text", () => {
    const out = composeGroup(input(lock('default', 'a', { x: [item('2'), item('1')] })));
    expect([...out.files.keys()].sort()).toEqual(['deploy/shared.yaml', 'imagestreams.lock/default/a.json']);
    const shared = out.files.get('deploy/shared.yaml')!;
    expect(shared).toContain(`img:a@${D('2')} # imagestream: a:x`);
    expect(shared).toContain(`img@${D('1')} # imagestream: b:x`);
    expect(out.consumers.map((c) => c.follows)).toEqual(['default/a:x']);
    expect(out.changes).toEqual([
      expect.objectContaining({
        stream: 'a',
        tags: [expect.objectContaining({ tag: 'x', kind: 'moved', from: item('1'), to: item('2') })],
      }),
    ]);
  });
  it('is empty when the desired state is the base (nothing to propose, nothing to describe)', () => {
    const out = composeGroup(input(lock('default', 'a', { x: [item('1')] })));
    expect(out.files.size).toBe(0);
    expect(out.changes).toEqual([]);
    expect(out.consumers).toEqual([]);
    expect(out.notes).toEqual([]);
  });
  it('never proposes a lock that does not parse, nor a consumer file the base lacks', () => {
    const i = input(lock('default', 'a', { x: [item('2')] }));
    i.work.set('imagestreams.lock/default/a.json', '{"not": "a lock"');
    const out = composeGroup(i);
    expect(out.files.has('imagestreams.lock/default/a.json')).toBe(false);
    expect(out.files.has('deploy/local-only.yaml')).toBe(false);
  });
});

describe('lockChanges', () => {
  const sides = (before: StreamLock | undefined, after: StreamLock) => ({
    namespace: 'default',
    stream: 'a',
    lockFile: 'l.json',
    ...(before ? { baseLock: before } : {}),
    lock: after,
  });
  it('tells new, moved, rollback and failed apart, and ignores history-only differences', () => {
    const before = lock('default', 'a', { m: [item('1')], r: [item('2'), item('1')], h: [item('5')] });
    const after = lock('default', 'a', {
      m: [item('2'), item('1')],
      r: [item('1'), item('2')],
      n: [item('3')],
      h: [item('5'), item('4')],
    });
    const kinds = lockChanges(sides(before, after))!.tags.map((t) => [t.tag, t.kind]);
    expect(kinds).toEqual([
      ['m', 'moved'],
      ['r', 'rollback'],
      ['n', 'new'],
    ]);
    const failed = lock('default', 'a', { m: [item('1')] });
    failed.status.tags[0]!.conditions = [
      {
        type: 'ImportSuccess',
        status: 'False',
        reason: 'NotFound',
        message: 'gone',
        lastTransitionTime: '2026-01-01T00:00:00Z',
        generation: 1,
      },
    ];
    expect(lockChanges(sides(lock('default', 'a', { m: [item('1')] }), failed))!.tags).toEqual([
      expect.objectContaining({ tag: 'm', kind: 'failed', error: { reason: 'NotFound', message: 'gone' } }),
    ]);
    expect(lockChanges(sides(failed, failed))).toBeUndefined();
  });
});

describe('declarationNotes', () => {
  const stream = (tags: TagSpecLike[]): StreamLike => ({
    metadata: { name: 'app', namespace: 'prod' },
    spec: { tags },
  });
  it('names a promotion by the source tag whose current image it is', () => {
    const notes = declarationNotes(
      {
        namespace: 'prod',
        stream: 'app',
        lockFile: 'l',
        lock: lock('prod', 'app', { live: [item('7')] }),
        declaration: stream([
          { name: 'live', from: { kind: 'ImageStreamImage', name: `app@${D('7')}`, namespace: 'dev' } },
        ]),
      },
      new Map([['dev/app', lock('dev', 'app', { edge: [item('8')], latest: [item('7')] })]]),
    );
    expect(notes).toEqual([
      { kind: 'promoted', tag: 'prod/app:live', source: 'dev/app:latest', digest: D('7') },
    ]);
  });
  it('explains a rollback with the command that follows upstream again; re-pointed, added, removed', () => {
    const before = stream([
      { name: 'x', from: { kind: 'DockerImage', name: 'quay.io/org/img:1' } },
      { name: 'y', from: { kind: 'DockerImage', name: 'quay.io/org/img:1' } },
      { name: 'gone', from: { kind: 'DockerImage', name: 'quay.io/org/img:0' } },
    ]);
    const after = stream([
      {
        name: 'x',
        annotations: {
          'imagestreams.dev/rolled-back-from': '{"kind":"DockerImage","name":"quay.io/org/img:1"}',
        },
        from: { kind: 'ImageStreamImage', name: `app@${D('1')}` },
      },
      { name: 'y', from: { kind: 'DockerImage', name: 'quay.io/org/img:2' } },
      { name: 'z', from: { kind: 'ImageStreamTag', name: 'y' } },
    ]);
    const notes = declarationNotes(
      {
        namespace: 'prod',
        stream: 'app',
        lockFile: 'l',
        baseLock: lock('prod', 'app', { x: [item('2'), item('1')] }),
        lock: lock('prod', 'app', { x: [item('1'), item('2')] }),
        baseDeclaration: before,
        declaration: after,
      },
      new Map(),
    );
    expect(notes).toEqual([
      {
        kind: 'rolled-back',
        tag: 'prod/app:x',
        from: D('2'),
        to: D('1'),
        followAgain: 'tag quay.io/org/img:1 prod/app:x --source docker',
      },
      {
        kind: 'repointed',
        tag: 'prod/app:y',
        was: 'DockerImage quay.io/org/img:1',
        now: 'DockerImage quay.io/org/img:2',
      },
      { kind: 'added', tag: 'prod/app:z', now: 'ImageStreamTag y' },
      { kind: 'removed', tag: 'prod/app:gone', was: 'DockerImage quay.io/org/img:0' },
    ]);
  });
  it('does not offer a follow-again command built from an annotation that is not a plain image name', () => {
    const notes = declarationNotes(
      {
        namespace: 'prod',
        stream: 'app',
        lockFile: 'l',
        lock: lock('prod', 'app', { x: [item('1')] }),
        baseDeclaration: stream([{ name: 'x', from: { kind: 'DockerImage', name: 'a:1' } }]),
        declaration: stream([
          {
            name: 'x',
            annotations: {
              'imagestreams.dev/rolled-back-from': '{"kind":"DockerImage","name":"a:1; rm -rf /"}',
            },
            from: { kind: 'ImageStreamImage', name: `app@${D('1')}` },
          },
        ]),
      },
      new Map(),
    );
    expect(notes[0]).not.toHaveProperty('followAgain');
  });
});
