import { describe, expect, it } from 'vitest';
import type { StreamLock } from '../../src/model/lock.js';
import { computeNextLocks, planImports, type StreamState } from '../../src/plan/next-locks.js';
import type { TagOutcome } from '../../src/policy/history.js';
import { specKey, type TagSpecLike } from '../../src/policy/tag-spec.js';
import { digest as D, historyItem, streamLock } from '../helpers/builders.js';

const NOW = '2026-11-27T10:00:00Z';
const ok = (repo: string, digest: string): TagOutcome => ({
  ok: true,
  item: { dockerImageReference: `${repo}@${digest}`, image: digest },
});

function stream(name: string, tags: TagSpecLike[], lock?: StreamLock, namespace = 'ns'): StreamState {
  return {
    namespace,
    name,
    file: `imagestreams/${name}.yaml`,
    object: { metadata: { name, namespace }, spec: { tags } },
    lockFile: `imagestreams.lock/${namespace}/${name}.json`,
    ...(lock ? { lock } : {}),
  };
}
const lockOf = (name: string, tags: StreamLock['status']['tags'], namespace = 'ns'): StreamLock =>
  streamLock(namespace, name, tags);
const item = (repo: string, digest: string, created = '2026-11-01T00:00:00Z', generation = 1) =>
  historyItem(repo, digest, created, generation);
const docker = (name: string, from: string, extra: Partial<TagSpecLike> = {}): TagSpecLike => ({
  name,
  from: { kind: 'DockerImage', name: from },
  ...extra,
});

describe('planImports decides which tags are due', () => {
  const t1 = docker('3.12', 'python:3.12');
  const sched = docker('3.13', 'python:3.13', { importPolicy: { scheduled: true } });
  const ref = docker('ref', 'python:3.11', { reference: true });
  const follower = { name: 'latest', from: { kind: 'ImageStreamTag', name: '3.12' } };
  const lock = lockOf('python', [
    { tag: '3.12', spec: specKey(t1), items: [item('docker.io/library/python', D('a'))] },
    { tag: '3.13', spec: specKey(sched), items: [item('docker.io/library/python', D('b'))] },
  ]);

  it('imports new tags, scheduled tags and forced tags; never reference or follower tags', () => {
    const s = stream('python', [t1, sched, ref, follower, docker('new', 'python:3')], lock);
    const reqs = planImports([s]);
    expect(reqs.map((r) => [r.tag, r.reason])).toEqual([
      ['3.13', 'scheduled'],
      ['new', 'new'],
    ]);
    const forced = planImports([s], { forced: new Set(['ns/python:3.12']) });
    expect(forced.map((r) => [r.tag, r.reason])).toContainEqual(['3.12', 'forced']);
  });

  it('re-imports a tag whose spec changed, and one whose generation changed', () => {
    const changed = docker('3.12', 'python:3.12-slim');
    expect(planImports([stream('python', [changed], lock)]).map((r) => r.reason)).toEqual(['spec-changed']);
    const gen = docker('3.12', 'python:3.12', { generation: 0 });
    expect(planImports([stream('python', [gen], lock)]).map((r) => r.reason)).toEqual(['generation']);
  });

  it('carries import mode, preferred platform and insecure flags', () => {
    const t = docker('x', 'quay.io/a/b:1', {
      importPolicy: { importMode: 'PreserveOriginal', insecure: true },
      annotations: { 'importer.image.openshift.io/prefer-arch': 'arm64' },
    });
    const [r] = planImports([stream('s', [t])]);
    expect(r).toMatchObject({
      importMode: 'PreserveOriginal',
      insecure: true,
      preferArch: 'arm64',
      from: 'quay.io/a/b:1',
    });
  });
});

describe('computeNextLocks', () => {
  const ctx = { now: NOW, historyLimit: 3 };

  it('first import records one item per tag', () => {
    const s = stream('python', [docker('3.12', 'python:3.12')]);
    const { locks, changes } = computeNextLocks(
      [s],
      new Map([['ns/python:3.12', ok('docker.io/library/python', D('a'))]]),
      ctx,
    );
    expect(locks.get('ns/python')?.status.tags[0]?.items).toEqual([
      {
        created: NOW,
        dockerImageReference: `docker.io/library/python@${D('a')}`,
        image: D('a'),
        generation: 1,
      },
    ]);
    expect(changes[0]?.tags.map((t) => t.kind)).toEqual(['new']);
  });

  it('the same digest again changes nothing; a new one pushes an item; the cap drops the oldest', () => {
    const t = docker('3.12', 'python:3.12', { importPolicy: { scheduled: true } });
    const prev = lockOf('python', [
      {
        tag: '3.12',
        spec: specKey(t),
        observedGeneration: null,
        items: [item('r', D('c')), item('r', D('b')), item('r', D('a'))],
      },
    ]);
    const s = stream('python', [t], prev);
    const same = computeNextLocks([s], new Map([['ns/python:3.12', ok('r', D('c'))]]), ctx);
    expect(same.changes).toEqual([]);
    expect(same.locks.get('ns/python')).toEqual(prev);
    const moved = computeNextLocks([s], new Map([['ns/python:3.12', ok('r', D('d'))]]), ctx);
    expect(moved.locks.get('ns/python')?.status.tags[0]?.items.map((i) => i.image)).toEqual([
      D('d'),
      D('c'),
      D('b'),
    ]);
    expect(moved.changes[0]?.tags[0]).toMatchObject({
      kind: 'moved',
      from: { image: D('c') },
      to: { image: D('d') },
    });
  });

  it('a failure keeps the last good item and records ImportSuccess=False; a later success clears it', () => {
    const t = docker('3.12', 'python:3.12', { importPolicy: { scheduled: true } });
    const prev = lockOf('python', [{ tag: '3.12', spec: specKey(t), items: [item('r', D('a'))] }]);
    const failed = computeNextLocks(
      [stream('python', [t], prev)],
      new Map([['ns/python:3.12', { ok: false, reason: 'Unauthorized', message: 'denied' }]]),
      ctx,
    );
    const tag = failed.locks.get('ns/python')?.status.tags[0];
    expect(tag?.items.map((i) => i.image)).toEqual([D('a')]);
    expect(tag?.conditions).toEqual([
      {
        type: 'ImportSuccess',
        status: 'False',
        reason: 'Unauthorized',
        message: 'denied',
        lastTransitionTime: NOW,
        generation: 1,
      },
    ]);
    expect(failed.changes[0]?.tags[0]?.kind).toBe('failed');
    const again = computeNextLocks(
      [stream('python', [t], failed.locks.get('ns/python'))],
      new Map([['ns/python:3.12', ok('r', D('a'))]]),
      { ...ctx, now: '2026-11-28T00:00:00Z' },
    );
    expect(again.locks.get('ns/python')?.status.tags[0]?.conditions).toBeUndefined();
  });

  it('a chain of three followers across two streams settles in one run', () => {
    const base = stream('python', [
      docker('3.12', 'python:3.12'),
      { name: 'stable', from: { kind: 'ImageStreamTag', name: '3.12' } },
    ]);
    const app = stream('app', [
      { name: 'base', from: { kind: 'ImageStreamTag', name: 'python:stable' } },
      { name: 'latest', from: { kind: 'ImageStreamTag', name: 'base' } },
    ]);
    const { locks, changes } = computeNextLocks(
      [app, base],
      new Map([['ns/python:3.12', ok('docker.io/library/python', D('e'))]]),
      ctx,
    );
    for (const [id, tag] of [
      ['ns/python', 'stable'],
      ['ns/app', 'base'],
      ['ns/app', 'latest'],
    ] as const) {
      expect(locks.get(id)?.status.tags.find((t) => t.tag === tag)?.items[0]?.image).toBe(D('e'));
    }
    const latest = changes.find((c) => c.stream === 'app')?.tags.find((t) => t.tag === 'latest');
    expect(latest).toMatchObject({ kind: 'new', follows: 'ns/app:base' });
  });

  it('followers in another namespace are resolved through from.namespace', () => {
    const base = stream('python', [docker('3.12', 'python:3.12')], undefined, 'shared');
    const app = stream('app', [
      { name: 'py', from: { kind: 'ImageStreamTag', name: 'python:3.12', namespace: 'shared' } },
    ]);
    const { locks } = computeNextLocks([app, base], new Map([['shared/python:3.12', ok('r', D('f'))]]), ctx);
    expect(locks.get('ns/app')?.status.tags[0]?.items[0]?.image).toBe(D('f'));
  });

  it('a cycle never loops: both tags fail with a condition', () => {
    const s = stream('c', [
      { name: 'a', from: { kind: 'ImageStreamTag', name: 'b' } },
      { name: 'b', from: { kind: 'ImageStreamTag', name: 'a' } },
    ]);
    const { locks } = computeNextLocks([s], new Map(), ctx);
    const tags = locks.get('ns/c')?.status.tags ?? [];
    expect(tags.map((t) => t.conditions?.[0]?.status)).toEqual(['False', 'False']);
  });

  it('ImageStreamImage pins by unambiguous prefix and is reported as a rollback when it goes back', () => {
    const t = docker('3.12', 'python:3.12');
    const prevLock = lockOf('python', [
      { tag: '3.12', spec: specKey(t), items: [item('r', D('b')), item('r', D('a'))] },
    ]);
    const pinned: TagSpecLike = {
      name: '3.12',
      from: { kind: 'ImageStreamImage', name: `python@sha256:${'a'.repeat(12)}` },
    };
    const { locks, changes } = computeNextLocks([stream('python', [pinned], prevLock)], new Map(), ctx);
    expect(locks.get('ns/python')?.status.tags[0]?.items.map((i) => i.image)).toEqual([D('a'), D('b')]);
    expect(changes[0]?.tags[0]?.kind).toBe('rollback');
    const missing: TagSpecLike = {
      name: 'x',
      from: { kind: 'ImageStreamImage', name: 'python@sha256:ffff' },
    };
    const res = computeNextLocks([stream('python', [t, missing], prevLock)], new Map(), ctx);
    expect(res.locks.get('ns/python')?.status.tags.find((x) => x.tag === 'x')?.conditions?.[0]?.reason).toBe(
      'NotFound',
    );
  });
});

describe('specKey (recorded in every lock: its text must not change)', () => {
  it('names the source and each import setting that makes the tag due again, in a fixed order', () => {
    const t: TagSpecLike = {
      name: 'x',
      from: { kind: 'DockerImage', name: 'quay.io/org/app:1' },
      reference: true,
      importPolicy: { insecure: true, importMode: 'PreserveOriginal' },
      annotations: {
        'importer.image.openshift.io/prefer-arch': 'arm64',
        'importer.image.openshift.io/prefer-os': 'linux',
      },
    };
    expect(specKey(t)).toBe(
      'DockerImage quay.io/org/app:1 reference insecure importMode=PreserveOriginal prefer-arch=arm64 prefer-os=linux',
    );
    expect(specKey({ name: 'y', from: { kind: 'ImageStreamTag', namespace: 'team', name: 'app:1' } })).toBe(
      'ImageStreamTag team/app:1',
    );
    expect(specKey({ name: 'z', from: { kind: 'DockerImage', name: 'a:1' } }, 'PreserveOriginal')).toBe(
      'DockerImage a:1 importMode=PreserveOriginal',
    );
  });
});
