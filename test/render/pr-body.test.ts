import { describe, expect, it } from 'vitest';
import type { StreamChange } from '../../src/plan/changes.js';
import {
  GROUP_TRAILER,
  hasGroupTrailer,
  renderCommitMessage,
  renderSubject,
} from '../../src/render/commit-message.js';
import {
  compareUrl,
  looksImmutable,
  MAX_BODY_LENGTH,
  renderPullRequestBody,
} from '../../src/render/pr-body.js';
import { shortDigest } from '../../src/util/text.js';
import { changes, consumers, D } from './pr-body.fixtures.js';

describe('renderPullRequestBody', () => {
  const body = renderPullRequestBody(changes, consumers, {
    marker: '<!-- imagestreams:group=default/python -->',
  });

  it('matches the reviewed golden body', async () => {
    await expect(body).toMatchFileSnapshot('./pr-body.golden.txt');
  });

  it('shows old → new short digests with the full references', () => {
    expect(body).toContain('| `3.12` | moved | `sha256:aaaaaaaaaaaa` | `sha256:bbbbbbbbbbbb` |');
    expect(body).toContain(`- New: \`${D('b')}\` (\`docker.io/library/python@${D('b')}\`)`);
  });

  it('calls out a lost platform and a moved version tag', () => {
    expect(body).toContain('`default/python:3.12` no longer provides `linux/arm64`.');
    expect(body).toContain('`default/python:3.12.1` looks like an immutable version tag');
    // The alarm opens the body, right after the hidden marker: the first thing a reviewer reads.
    expect(body.split('\n').slice(2, 4)).toEqual([
      '> [!CAUTION]',
      expect.stringContaining('`default/python:3.12.1` looks like an immutable version tag'),
    ]);
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
    expect(body).toContain('`manifest unknown \\| <script>`');
  });
});

/** The body with every code span removed: what GitHub renders as Markdown. */
const rendered = (md: string) => md.replace(/`[^`\n]*`/g, '``');

describe('registry-controlled text in the PR body (issue 11)', () => {
  const evil =
    '[click](https://evil.example/x) ![i](https://evil.example/p.png) @org/team <img src=x> www.evil.example';
  const hostile: StreamChange[] = [
    {
      namespace: 'default',
      stream: 'python',
      lockFile: 'imagestreams.lock/default/python.json',
      tags: [
        {
          ...changes[0]!.tags[0]!,
          toMetadata: { created: evil, source: evil, revision: evil, version: evil },
          fromMetadata: { created: evil, revision: '@org/team' },
          to: {
            ...changes[0]!.tags[0]!.to!,
            platforms: [{ os: evil, architecture: 'amd64', digest: D('9'), mediaType: 'x/y' }],
          },
        },
        {
          namespace: 'default',
          stream: 'python',
          tag: 'broken',
          kind: 'failed',
          source: 'docker.io/library/python:broken',
          error: { reason: `NotFound ${evil}`, message: `${evil}\n::error::x ${'y'.repeat(70_000)}` },
        },
      ],
    },
  ];

  it('renders no link, image, HTML or mention from a registry, and bounds each value', () => {
    const body = renderPullRequestBody(hostile, []);
    const md = rendered(body);
    expect(md).not.toContain('evil.example');
    expect(md).not.toContain('@org');
    expect(md).not.toContain('<img');
    expect(body.length).toBeLessThan(12_000);
    expect(body).toContain('### Rolling back');
  });

  it('keeps the rollback section when thousands of tags exceed the budget', () => {
    const many: StreamChange[] = Array.from({ length: 400 }, (_, i) => ({
      namespace: 'default',
      stream: `s${i}`,
      lockFile: `imagestreams.lock/default/s${i}.json`,
      tags: Array.from({ length: 5 }, (_, j) => ({
        ...changes[0]!.tags[0]!,
        stream: `s${i}`,
        tag: `t${j}`,
        toMetadata: { created: '2026-03-01T00:00:00Z', source: 'x'.repeat(180) },
      })),
    }));
    const body = renderPullRequestBody(many, [], { marker: '<!-- m -->' });
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_LENGTH);
    expect(body.startsWith('<!-- m -->')).toBe(true);
    expect(body).toContain('### Rolling back');
    expect(body).toMatch(/sections left out to keep this body short/);
    expect(body).toMatch(/<\/sub>\n$/);
    // Sections are left out whole: every <details> that opens also closes.
    expect(body.split('<details>').length).toBe(body.split('</details>').length);
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
    expect(renderSubject([])).toBe('Record image stream import results');
  });
});
