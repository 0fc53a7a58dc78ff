import { describe, expect, it } from 'vitest';
import { inferSourceKind, planTag } from '../../src/policy/oc-tag.js';

describe('oc tag rules', () => {
  it.each([
    ['quay.io/org/app:1', 'DockerImage'],
    ['localhost:5000/app:1', 'DockerImage'],
    ['python@sha256:abcdef', 'ImageStreamImage'],
    ['python:3.12', 'ImageStreamTag'],
    ['team/python:3.12', 'ImageStreamTag'],
    ['mysql', 'DockerImage'],
    ['library/mysql', 'DockerImage'],
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
      /--alias cannot be combined with --scheduled/,
    );
    // As oc: the same-stream rule compares the source's last name component with the destination stream.
    expect(() => planTag('quay.io/a/b:1', ['python:x'], { alias: true })).toThrow(/across different/);
  });

  it('rejects bad input with a usable message', () => {
    expect(() => planTag('python:3.12', ['app:-x'], {})).toThrow(/is not \[namespace\/\]stream:tag/);
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

  it('a destination without a tag is :latest (as `app:` is in oc)', () => {
    expect(planTag('quay.io/a/app:1', ['app', 'team/app:'], {}).map((a) => a.dest)).toEqual([
      { stream: 'app', tag: 'latest' },
      { namespace: 'team', stream: 'app', tag: 'latest' },
    ]);
  });

  it('`tag mysql newrepo:latest` tags the Docker Hub image, as oc guesses', () => {
    expect(planTag('mysql', ['newrepo:latest'], {})[0]).toMatchObject({
      spec: { from: { kind: 'DockerImage', name: 'mysql' } },
    });
  });

  it('--alias with an ImageStreamImage or --source=docker source, within the stream, as oc allows', () => {
    expect(planTag('app@sha256:abcdef', ['app:pinned'], { alias: true })[0]).toMatchObject({
      spec: { from: { kind: 'ImageStreamImage', name: 'app@sha256:abcdef' } },
    });
    expect(planTag('quay.io/org/app:1', ['app:x'], { alias: true, source: 'docker' })[0]).toMatchObject({
      spec: { from: { kind: 'DockerImage', name: 'quay.io/org/app:1' } },
    });
  });

  it('--delete accepts invalid tag names and refuses every other flag', () => {
    expect(planTag(undefined, ['app:bad name!'], { delete: true })).toEqual([
      { action: 'delete', dest: { stream: 'app', tag: 'bad name!' } },
    ]);
    expect(() => planTag(undefined, ['app:x'], { delete: true, alias: true, scheduled: true })).toThrow(
      '--delete cannot be combined with --alias, --scheduled',
    );
    expect(() => planTag(undefined, ['app:x'], { delete: true, source: 'docker' })).toThrow(/--source/);
    expect(() => planTag(undefined, ['app:x'], { delete: true, importMode: 'Legacy' })).toThrow(
      /--import-mode/,
    );
  });

  it('--source checks what oc checks', () => {
    expect(() => planTag('quay.io/a/b:1', ['app:x'], { source: 'istag' })).toThrow(/registry in SOURCE/);
    expect(() => planTag('python', ['app:x'], { source: 'istag' })).toThrow(/stream:tag/);
    expect(() => planTag('python:3', ['app:x'], { source: 'isimage' })).toThrow(/stream@sha256/);
  });
});
