// Structured changes shared by the PR body and publish tests.
import type { ConsumerChange, StreamChange } from '../../src/plan/changes.js';

import { digest as D } from '../helpers/builders.js';

export { D };

const item = (c: string, platforms?: Array<[string, string, string]>) => ({
  created: '2026-03-01T10:00:00Z',
  dockerImageReference: `docker.io/library/python@${D(c)}`,
  image: D(c),
  generation: 1,
  ...(platforms
    ? {
        platforms: platforms.map(([os, architecture, d]) => ({
          os,
          architecture,
          digest: D(d),
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
        })),
      }
    : {}),
});

export const changes: StreamChange[] = [
  {
    namespace: 'default',
    stream: 'python',
    lockFile: 'imagestreams/python.lock.yaml',
    tags: [
      {
        namespace: 'default',
        stream: 'python',
        tag: '3.12',
        kind: 'moved',
        source: 'docker.io/library/python:3.12',
        from: item('a', [
          ['linux', 'amd64', '1'],
          ['linux', 'arm64', '2'],
        ]),
        to: item('b', [['linux', 'amd64', '3']]),
        fromMetadata: {
          created: '2026-02-01T00:00:00Z',
          source: 'https://github.com/docker-library/python.git',
          revision: 'aaaaaaa1',
        },
        toMetadata: {
          created: '2026-03-01T00:00:00Z',
          source: 'https://github.com/docker-library/python',
          revision: 'bbbbbbb2',
        },
      },
      {
        namespace: 'default',
        stream: 'python',
        tag: '3.12.1',
        kind: 'moved',
        source: 'docker.io/library/python:3.12.1',
        from: item('c'),
        to: item('d'),
        fromMetadata: { source: 'https://gitlab.com/x/y', revision: 'r1' },
        toMetadata: { source: 'https://gitlab.com/x/y', revision: 'r2' },
      },
      {
        namespace: 'default',
        stream: 'python',
        tag: 'broken',
        kind: 'failed',
        source: 'docker.io/library/python:broken',
        from: item('e'),
        error: { reason: 'NotFound', message: 'manifest unknown | <script>' },
      },
    ],
  },
];
export const consumers: ConsumerChange[] = [
  {
    file: 'deploy/web.yaml',
    line: 21,
    target: 'Deployment/web container web',
    follows: 'default/python:3.12',
    from: `docker.io/library/python@${D('a')}`,
    to: `docker.io/library/python@${D('b')}`,
  },
];
