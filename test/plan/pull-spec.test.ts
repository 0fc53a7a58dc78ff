import { describe, expect, it } from 'vitest';
import type { StreamLock } from '../../src/model/lock.js';
import { pullSpecFor } from '../../src/plan/pull-spec.js';
import type { StreamLike } from '../../src/policy/tag-spec.js';

const D = `sha256:${'a'.repeat(64)}`;
const lock: StreamLock = {
  apiVersion: 'imagestreams.dev/v1alpha1',
  kind: 'ImageStreamLock',
  metadata: { name: 'python', namespace: 'team' },
  status: {
    tags: [
      {
        tag: 'src',
        items: [
          { created: 'x', dockerImageReference: `docker.io/library/python@${D}`, image: D, generation: 1 },
        ],
      },
      {
        tag: 'local',
        items: [
          { created: 'x', dockerImageReference: `docker.io/library/python@${D}`, image: D, generation: 1 },
        ],
      },
    ],
  },
};
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
  it('gives the upstream repo@digest under referencePolicy Source', () => {
    expect(pullSpecFor(stream, 'team', lock, 'src', 'registry.local:5000')).toBe(
      `docker.io/library/python@${D}`,
    );
  });
  it('gives the local registry repository at the same digest under Local', () => {
    expect(pullSpecFor(stream, 'team', lock, 'local', 'registry.local:5000')).toBe(
      `registry.local:5000/team/python@${D}`,
    );
    expect(pullSpecFor(stream, 'team', lock, 'local')).toBe(`docker.io/library/python@${D}`);
  });
  it('passes reference tags through as written, and has nothing for a tag never imported', () => {
    expect(pullSpecFor(stream, 'team', lock, 'ref')).toBe('quay.io/org/tool:1');
    expect(pullSpecFor(stream, 'team', lock, 'missing')).toBeUndefined();
  });
});
