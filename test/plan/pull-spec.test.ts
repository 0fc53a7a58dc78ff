import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamLock } from '../../src/model/lock.js';
import { pullSpecFor, samePin, sourceTagOf } from '../../src/plan/pull-spec.js';
import type { StreamLike } from '../../src/policy/tag-spec.js';
import { digest, historyItem, streamLock } from '../helpers/builders.js';

const D = digest('a');
const lock: StreamLock = streamLock('team', 'python', {
  src: [historyItem('docker.io/library/python', D, 'x')],
  local: [historyItem('docker.io/library/python', D, 'x')],
});
const stream: StreamLike = {
  metadata: { name: 'python' },
  spec: {
    tags: [
      { name: 'src', from: { kind: 'DockerImage', name: 'python:3.12' } },
      {
        name: 'local',
        from: { kind: 'DockerImage', name: 'python:3.12' },
        referencePolicy: { type: 'Local' },
      },
      { name: 'ref', from: { kind: 'DockerImage', name: 'quay.io/org/tool:1' }, reference: true },
    ],
  },
};

describe('pullSpecFor', () => {
  it('gives the upstream repo@digest under referencePolicy Source, with the upstream tag when known', () => {
    expect(pullSpecFor(stream, 'team', lock, 'src', 'registry.local:5000')).toBe(
      `docker.io/library/python@${D}`,
    );
    expect(pullSpecFor(stream, 'team', lock, 'src', undefined, { sourceTag: '3.12' })).toBe(
      `docker.io/library/python:3.12@${D}`,
    );
    expect(
      pullSpecFor(stream, 'team', lock, 'src', undefined, { sourceTag: '3.12', pinFormat: 'digest' }),
    ).toBe(`docker.io/library/python@${D}`);
  });
  it('gives the local registry repository (tagged with the stream tag) at the same digest under Local', () => {
    expect(pullSpecFor(stream, 'team', lock, 'local', 'registry.local:5000')).toBe(
      `registry.local:5000/team/python:local@${D}`,
    );
    expect(pullSpecFor(stream, 'team', lock, 'local', 'registry.local:5000', { pinFormat: 'digest' })).toBe(
      `registry.local:5000/team/python@${D}`,
    );
    expect(pullSpecFor(stream, 'team', lock, 'local')).toBe(`docker.io/library/python@${D}`);
  });
  it('passes reference tags through as written, and has nothing for a tag never imported', () => {
    expect(pullSpecFor(stream, 'team', lock, 'ref')).toBe('quay.io/org/tool:1');
    expect(pullSpecFor(stream, 'team', lock, 'missing')).toBeUndefined();
  });
});

describe('sourceTagOf', () => {
  const streams = new Map<string, StreamLike>([
    [
      'team/python',
      {
        metadata: { name: 'python' },
        spec: {
          tags: [
            { name: '3.12', from: { kind: 'DockerImage', name: 'python:3.12-slim' } },
            { name: 'latest', from: { kind: 'ImageStreamTag', name: '3.12' } },
            { name: 'pinned', from: { kind: 'ImageStreamImage', name: `python@${D}` } },
            { name: 'bydigest', from: { kind: 'DockerImage', name: `python@${D}` } },
            { name: 'loop', from: { kind: 'ImageStreamTag', name: 'loop' } },
          ],
        },
      },
    ],
    [
      'apps/base',
      {
        metadata: { name: 'base' },
        spec: {
          tags: [{ name: 'py', from: { kind: 'ImageStreamTag', name: 'python:latest', namespace: 'team' } }],
        },
      },
    ],
  ]);
  it('is the DockerImage tag at the end of the ImageStreamTag chain, across streams and namespaces', () => {
    expect(sourceTagOf(streams, 'team', 'python', '3.12')).toBe('3.12-slim');
    expect(sourceTagOf(streams, 'team', 'python', 'latest')).toBe('3.12-slim');
    expect(sourceTagOf(streams, 'apps', 'base', 'py')).toBe('3.12-slim');
  });
  it('is undefined for image pins, digest-only sources, cycles and unknown tags', () => {
    for (const t of ['pinned', 'bydigest', 'loop', 'nope'])
      expect(sourceTagOf(streams, 'team', 'python', t)).toBe(undefined);
  });
});

describe('either pin format is the same pin (verify accepts both)', () => {
  const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
  const seg = fc.stringMatching(/^[a-z0-9]{1,8}$/);
  const host = fc.constantFrom('docker.io', 'quay.io', 'registry.local:5000', '127.0.0.1:5000');
  const tag = fc.stringMatching(/^[\w][\w.-]{0,20}$/);
  it('a tag-and-digest pin and a digest pin of the same repository and digest are the same; another digest is not', () => {
    fc.assert(
      fc.property(
        host,
        fc.array(seg, { minLength: 1, maxLength: 3 }),
        tag,
        hex,
        hex,
        (h, path, t, d1, d2) => {
          const repo = `${h}/${path.join('/')}`;
          const lk: StreamLock = {
            ...lock,
            status: {
              tags: [
                {
                  tag: 'x',
                  items: [
                    {
                      ...lock.status.tags[0]!.items[0]!,
                      image: `sha256:${d1}`,
                      dockerImageReference: `${repo}@sha256:${d1}`,
                    },
                  ],
                },
              ],
            },
          };
          const s: StreamLike = {
            metadata: { name: 'x' },
            spec: { tags: [{ name: 'x', from: { kind: 'DockerImage', name: `${repo}:${t}` } }] },
          };
          const tagged = pullSpecFor(s, 'ns', lk, 'x', undefined, { sourceTag: t })!;
          const plain = pullSpecFor(s, 'ns', lk, 'x', undefined, { sourceTag: t, pinFormat: 'digest' })!;
          expect(tagged).toBe(`${repo}:${t}@sha256:${d1}`);
          expect(plain).toBe(`${repo}@sha256:${d1}`);
          expect(samePin(tagged, plain)).toBe(true);
          expect(samePin(plain, tagged)).toBe(true);
          expect(samePin(tagged, `${repo}:${t}@sha256:${d2}`)).toBe(d1 === d2);
          expect(samePin(plain, `${h}/other/${path.join('/')}@sha256:${d1}`)).toBe(false);
        },
      ),
      { verbose: true },
    );
  });
});
