// A run limited to some streams (rollback, tag, import, --stream) must settle every stream that follows them.
import { describe, expect, it } from 'vitest';
import { type StreamState, withFollowers } from '../../src/plan/next-locks.js';

function stream(ns: string, name: string, tags: Array<[string, string, string, string?]>): StreamState {
  return {
    namespace: ns,
    name,
    file: `imagestreams/${name}.yaml`,
    lockFile: `imagestreams.lock/${ns}/${name}.json`,
    object: {
      metadata: { name, namespace: ns },
      spec: {
        tags: tags.map(([tag, kind, from, fromNs]) => ({
          name: tag,
          from: { kind, name: from, ...(fromNs ? { namespace: fromNs } : {}) },
        })),
      },
    },
  } as StreamState;
}

const streams = [
  stream('dev', 'python', [['3.12', 'DockerImage', 'docker.io/library/python:3.12']]),
  stream('dev', 'base', [['latest', 'ImageStreamTag', 'python:3.12']]),
  stream('prod', 'app', [['live', 'ImageStreamTag', 'base:latest', 'dev']]),
  stream('prod', 'pinned', [['old', 'ImageStreamImage', 'python@sha256:abc', 'dev']]),
  stream('dev', 'other', [['x', 'DockerImage', 'docker.io/library/alpine:3']]),
];

describe('withFollowers', () => {
  it('adds followers across streams and namespaces, transitively, and nothing else', () => {
    expect([...(withFollowers(streams, new Set(['dev/python'])) ?? [])].sort()).toEqual([
      'dev/base',
      'dev/python',
      'prod/app',
      'prod/pinned',
    ]);
    expect([...(withFollowers(streams, new Set(['base'])) ?? [])].sort()).toEqual(['dev/base', 'prod/app']);
    expect([...(withFollowers(streams, new Set(['dev/other'])) ?? [])]).toEqual(['dev/other']);
  });
  it('leaves "every stream" (no selection) alone', () => {
    expect(withFollowers(streams, undefined)).toBeUndefined();
    expect(withFollowers(streams, new Set())?.size).toBe(0);
  });
});
