import { describe, expect, it } from 'vitest';
import {
  GROUP_TRAILER,
  hasGroupTrailer,
  renderCommitMessage,
  renderSubject,
} from '../../src/plan/commit-message.js';
import { compareUrl, looksImmutable, renderPullRequestBody, shortDigest } from '../../src/plan/pr-body.js';
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
    expect(renderSubject([])).toBe('Record image stream import results');
  });
});
