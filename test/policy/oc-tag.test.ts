import { describe, expect, it } from 'vitest';
import { inferSourceKind, planTag } from '../../src/policy/oc-tag.js';

describe('oc tag rules', () => {
  it.each([
    ['quay.io/org/app:1', 'DockerImage'],
    ['localhost:5000/app:1', 'DockerImage'],
    ['python@sha256:abcdef', 'ImageStreamImage'],
    ['python:3.12', 'ImageStreamTag'],
    ['team/python:3.12', 'ImageStreamTag'],
  ])('infers the kind of %s as %s', (src, kind) => {
    expect(inferSourceKind(src)).toBe(kind);
  });

  it('a DockerImage source sets from with the requested policies on every destination', () => {
    const actions = planTag('quay.io/org/app:1.2', ['app:stable', 'team/app:prod'], {
      scheduled: true,
      referencePolicy: 'local',
      importMode: 'PreserveOriginal',
    });
    expect(actions).toEqual([
      {
        action: 'set',
        dest: { stream: 'app', tag: 'stable' },
        spec: {
          from: { kind: 'DockerImage', name: 'quay.io/org/app:1.2' },
          importPolicy: { scheduled: true, importMode: 'PreserveOriginal' },
          referencePolicy: { type: 'Local' },
        },
      },
      expect.objectContaining({ dest: { namespace: 'team', stream: 'app', tag: 'prod' } }),
    ]);
  });

  it('an ImageStreamTag source without --alias is copied as its current image', () => {
    expect(planTag('python:3.12', ['app:base'], {})).toEqual([
      {
        action: 'set',
        dest: { stream: 'app', tag: 'base' },
        spec: {},
        copyFrom: { stream: 'python', tag: '3.12' },
      },
    ]);
  });

  it('--alias tracks a tag of the same stream and refuses other streams and --scheduled', () => {
    expect(planTag('python:3.12', ['python:latest'], { alias: true })[0]).toMatchObject({
      spec: { from: { kind: 'ImageStreamTag', name: '3.12' } },
    });
    expect(() => planTag('python:3.12', ['app:base'], { alias: true })).toThrow(
      /across different image streams/,
    );
    expect(() => planTag('python:3.12', ['python:x'], { alias: true, scheduled: true })).toThrow(
      /cannot be used together/,
    );
    expect(() => planTag('quay.io/a/b:1', ['python:x'], { alias: true })).toThrow(
      /needs an ImageStreamTag source/,
    );
  });

  it('rejects bad input with a usable message', () => {
    expect(() => planTag('python:3.12', ['app'], {})).toThrow(/is not \[namespace\/\]stream:tag/);
    expect(() => planTag('quay.io/Org/app:1', ['app:x'], {})).toThrow(/must be lowercase/);
    expect(() => planTag('python:3.12', ['app:x'], { scheduled: true })).toThrow(/only to DockerImage/);
    expect(() => planTag('python:3.12', ['app:x'], { referencePolicy: 'weird' })).toThrow(/source or local/);
  });

  it('--delete takes every argument as a destination', () => {
    expect(planTag('python:3.12', ['python:3.11'], { delete: true }).map((a) => a.action)).toEqual([
      'delete',
      'delete',
    ]);
  });
});
