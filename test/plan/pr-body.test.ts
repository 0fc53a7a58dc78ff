import { describe, expect, it } from 'vitest';
import type { ConsumerChange, StreamChange } from '../../src/plan/changes.js';
import {
  GROUP_TRAILER,
  hasGroupTrailer,
  renderCommitMessage,
  renderSubject,
} from '../../src/plan/commit-message.js';
import { compareUrl, looksImmutable, renderPullRequestBody, shortDigest } from '../../src/plan/pr-body.js';

const D = (c: string) => `sha256:${c.repeat(64)}`;
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

describe('renderPullRequestBody', () => {
  const body = renderPullRequestBody(changes, consumers, {
    marker: '<!-- imagestreams:group=default/python -->',
  });

  it('matches the reviewed golden body', async () => {
    await expect(body).toMatchFileSnapshot('./pr-body.golden.md');
  });

  it('shows old → new short digests with the full references', () => {
    expect(body).toContain('| `3.12` | moved | `sha256:aaaaaaaaaaaa` | `sha256:bbbbbbbbbbbb` |');
    expect(body).toContain(`- New: \`${D('b')}\` (\`docker.io/library/python@${D('b')}\`)`);
  });

  it('calls out a lost platform and a moved version tag', () => {
    expect(body).toContain('`default/python:3.12` no longer provides `linux/arm64`.');
    expect(body).toContain('`default/python:3.12.1` looks like an immutable version tag');
    expect(body).not.toContain('`default/python:3.12` looks like an immutable');
    expect(body).toContain('| `linux/arm64` | `sha256:222222222222` | **removed** |');
  });

  it('links a GitHub compare only for github.com sources', () => {
    expect(body).toContain(
      '([compare](https://github.com/docker-library/python/compare/aaaaaaa1...bbbbbbb2))',
    );
    expect(body).toContain('- Revision: `r1` → `r2`\n');
  });

  it('lists consumers and how to roll back, and escapes registry text', () => {
    expect(body).toContain(
      '| `deploy/web.yaml` | 21 | Deployment/web container web | `default/python:3.12` |',
    );
    expect(body).toContain('imagestreams rollback default/python:3.12\n');
    expect(body).not.toContain('rollback default/python:broken');
    expect(body).not.toContain('<script>');
  });
});

describe('helpers', () => {
  it.each([
    ['1.2.3', true],
    ['v1.2.3', true],
    ['1.2.3-r1', true],
    ['3.12', false],
    ['latest', false],
  ])('looksImmutable(%s) = %s', (tag, expected) => {
    expect(looksImmutable(tag)).toBe(expected);
  });

  it('compare links need the same github.com repository and both revisions', () => {
    expect(
      compareUrl(
        { source: 'https://github.com/a/b', revision: 'x1' },
        { source: 'https://github.com/a/c', revision: 'x2' },
      ),
    ).toBeNull();
    expect(
      compareUrl({ source: 'https://github.com/a/b' }, { source: 'https://github.com/a/b', revision: 'x2' }),
    ).toBeNull();
    expect(shortDigest(undefined)).toBe('(none)');
  });
});

describe('commit messages', () => {
  it('renders subject, lines, consumers and the group trailer', () => {
    const msg = renderCommitMessage(changes, consumers, { group: 'default/python' });
    expect(msg).toBe(
      [
        'Bump 2 tags of default/python',
        '',
        '- default/python:3.12: sha256:aaaaaaaaaaaa -> sha256:bbbbbbbbbbbb',
        '- default/python:3.12.1: sha256:cccccccccccc -> sha256:dddddddddddd',
        '- default/python:broken: import failed (NotFound), kept sha256:eeeeeeeeeeee',
        '',
        'Consumers updated:',
        '- deploy/web.yaml',
        '',
        `${GROUP_TRAILER}: default/python`,
        '',
      ].join('\n'),
    );
    expect(hasGroupTrailer(msg, 'default/python')).toBe(true);
    expect(hasGroupTrailer(msg, 'default/other')).toBe(false);
  });

  it('uses a template and names a single tag in the subject', () => {
    const one = [{ ...changes[0]!, tags: [changes[0]!.tags[0]!] }];
    expect(renderSubject(one)).toBe('Bump default/python:3.12 to sha256:bbbbbbbbbbbb');
    expect(renderCommitMessage(one, [], { template: 'chore(images): {{subject}} [{{streams}}]' })).toBe(
      'chore(images): Bump default/python:3.12 to sha256:bbbbbbbbbbbb [default/python]\n',
    );
    expect(renderSubject([])).toBe('Update image stream locks');
  });
});
