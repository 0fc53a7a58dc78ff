import { describe, expect, it } from 'vitest';
import type { StreamChange } from '../../src/plan/changes.js';
import { branchName, groupChanges } from '../../src/publish/groups.js';

const change = (ns: string, stream: string): StreamChange => ({
  namespace: ns,
  stream,
  lockFile: `imagestreams.lock/${ns}/${stream}.yaml`,
  tags: [
    { namespace: ns, stream, tag: 'latest', kind: 'moved', source: `docker.io/library/${stream}:latest` },
  ],
});
const known = (ns: string, stream: string) => ({
  namespace: ns,
  stream,
  lockFile: `imagestreams.lock/${ns}/${stream}.yaml`,
});

describe('groupChanges', () => {
  it('makes one group per stream, including unchanged streams (so reverts can close PRs)', () => {
    const groups = groupChanges({
      streams: [known('default', 'python'), known('default', 'node')],
      changes: [change('default', 'python')],
      consumers: [
        {
          file: 'deploy/web.yaml',
          line: 3,
          target: 'Deployment/web',
          follows: 'default/python:latest',
          from: 'a',
          to: 'b',
        },
      ],
      branchPrefix: 'imagestreams/',
    });
    expect(groups.map((g) => [g.key, g.branch, g.files, g.changes.length, g.consumers.length])).toEqual([
      ['default/node', 'imagestreams/default/node', ['imagestreams.lock/default/node.yaml'], 0, 0],
      [
        'default/python',
        'imagestreams/default/python',
        ['deploy/web.yaml', 'imagestreams.lock/default/python.yaml'],
        1,
        1,
      ],
    ]);
  });

  it('carries consumer files an earlier run already rewrote, without reporting them as changes', () => {
    const [node, python] = groupChanges({
      streams: [known('default', 'python'), known('default', 'node')],
      changes: [change('default', 'python')],
      consumers: [],
      consumerFiles: [
        { file: 'app/Dockerfile', follows: 'default/python:3.12' },
        { file: 'deploy/web.yaml', follows: 'default/python:latest' },
        { file: 'deploy/web.yaml', follows: 'default/node:22' },
      ],
      branchPrefix: 'imagestreams/',
    });
    expect(python?.files).toEqual([
      'app/Dockerfile',
      'deploy/web.yaml',
      'imagestreams.lock/default/python.yaml',
    ]);
    expect(python?.consumers).toEqual([]);
    expect(node?.files).toEqual(['deploy/web.yaml', 'imagestreams.lock/default/node.yaml']);
  });

  it('puts streams matching a config group together, first rule wins', () => {
    const groups = groupChanges({
      streams: [known('default', 'python'), known('default', 'node'), known('tools', 'jq')],
      changes: [change('default', 'python'), change('default', 'node'), change('tools', 'jq')],
      consumers: [],
      branchPrefix: 'bump/',
      groups: [
        { name: 'runtimes', streams: ['python', 'default/node'], pr: { labels: ['runtime'] } },
        { name: 'tools', streams: ['tools/*'] },
      ],
    });
    expect(groups.map((g) => [g.key, g.branch, g.changes.map((c) => c.stream)])).toEqual([
      ['runtimes', 'bump/group/runtimes', ['node', 'python']],
      ['tools', 'bump/group/tools', ['jq']],
    ]);
    expect(groups[0]!.pr).toEqual({ labels: ['runtime'] });
  });

  it.each([
    ['imagestreams/', 'default/py thon', 'imagestreams/default/py-thon'],
    ['imagestreams/', 'a/../b', 'imagestreams/a/b'],
    ['x/', 'ns/name.lock', 'x/ns/name-lock'],
    ['', '~weird^:name', '-weird--name'],
  ])('branchName(%s, %s) = %s', (prefix, name, expected) => {
    expect(branchName(prefix, name)).toBe(expected);
  });
});
