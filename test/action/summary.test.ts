// The job summary and the plan comment are rendered from structured results; untrusted text cannot break them.
import { describe, expect, it } from 'vitest';
import { renderJobSummary, renderPlanComment, type SummaryRun } from '../../src/render/summary.js';
import { changes, consumers, D } from '../render/pr-body.fixtures.js';

const run: SummaryRun = {
  dryRun: true,
  due: 3,
  failed: 1,
  skipped: 0,
  changes,
  consumers,
  written: ['a', 'b'],
};

describe('renderJobSummary', () => {
  it('shows each stream tag with what it locks to and its platforms, and the consumers', () => {
    const md = renderJobSummary({ command: 'plan', event: 'pull_request', exitCode: 0, run });
    expect(md).toMatch(/^## imagestreams plan \(pull_request\): succeeded\n/);
    expect(md).toContain('3 tags due, 2 resolved, 1 failed, would change 2 files');
    expect(md).toContain('| Tag | Change | From | Would lock to | Platforms |');
    expect(md).toContain(
      `| \`3.12\` | moved | \`sha256:aaaaaaaaaaaa\` | \`docker.io/library/python@${D('b')}\` | \`linux/amd64\` \`sha256:333333333333\` |`,
    );
    expect(md).toMatch(/\| `[^`]+` \| \*\*failed\*\* \|/);
    expect(md).toContain('Consumers that would follow:');
  });

  it('escapes table-breaking and HTML characters from files and registries', () => {
    const md = renderJobSummary({
      command: 'validate',
      exitCode: 1,
      validation: {
        files: 1,
        tags: 0,
        diagnostics: [
          {
            file: 'a|b.yaml',
            line: 2,
            column: 3,
            code: 'SCHEMA',
            severity: 'error',
            message: 'bad <img src=x> `code` | pipe\nnext',
          },
        ],
      },
    });
    expect(md).toContain('| `a\\|b.yaml:2:3` | bad &lt;img src=x&gt; \\`code\\` \\| pipe next |');
    expect(md).not.toContain('<img');
  });

  it('says why a step was skipped, lists publish groups with links, and dispatch results', () => {
    const md = renderJobSummary({
      command: 'reconcile',
      exitCode: 1,
      notes: ['Plan skipped: fork'],
      publish: {
        mode: 'pull-request',
        groups: [
          {
            key: 'default/python',
            status: 'created',
            branch: 'imagestreams/default/python',
            pullRequest: { number: 4, url: 'https://github.com/a/b/pull/4' },
          },
          { key: 'default/ruby', status: 'nothing' },
          { key: 'default/go', status: 'failed', error: { message: 'push rejected' } },
        ],
      },
      dispatch: {
        moved: 1,
        results: [
          {
            description: 'repository_dispatch acme/x',
            namespace: 'default',
            stream: 'python',
            tag: '3.12',
            old: null,
            new: D('c'),
            status: 'sent',
          },
        ],
      },
    });
    expect(md).toContain('## imagestreams reconcile: failed');
    expect(md).toContain('> Plan skipped: fork');
    expect(md).toContain(
      '| `default/python` | created | `imagestreams/default/python` | [#4](https://github.com/a/b/pull/4) |  |',
    );
    expect(md).not.toContain('default/ruby');
    expect(md).toContain('| `default/go` | failed |  |  | push rejected |');
    expect(md).toContain(
      '| `default/python:3.12` | `(none)` → `sha256:cccccccccccc` | repository\\_dispatch acme/x | sent |',
    );
  });
});

describe('renderPlanComment', () => {
  it('names the commit and the tags a merge would lock', () => {
    const md = renderPlanComment({ run, sha: 'f'.repeat(40), verifyProblems: 2 });
    expect(md).toContain('Merging this pull request at `ffffffffffff` lets the next reconcile lock 2 tags');
    expect(md).toContain('2 consumers not at the locked digest');
    expect(md).not.toContain('imagestreams:plan'); // commentOnPullRequest appends the marker
  });

  it('says there is no plan when the declarations are invalid', () => {
    expect(renderPlanComment({ validationErrors: 3 })).toContain('have 3 errors');
  });
});

describe('registry and file text in summaries and plan comments (issue 11)', () => {
  const evil =
    '[x](https://evil.example/a) ![i](https://evil.example/p.png) @org/team <b>hi</b> www.evil.example';
  const hostileRun: SummaryRun = {
    ...run,
    changes: [
      {
        namespace: 'default',
        stream: 'python',
        lockFile: 'l.json',
        tags: [
          {
            namespace: 'default',
            stream: 'python',
            tag: 'broken',
            kind: 'failed',
            source: 'x',
            error: { reason: 'Denied', message: `${evil}\n::error::y` },
          },
        ],
      },
    ],
    consumers: [
      { file: 'a.yaml', line: 1, target: evil, follows: 'default/python:3.12', from: 'a', to: 'b' },
    ],
  };
  /** What GitHub renders as Markdown: code spans removed. */
  const rendered = (md: string) => md.replace(/`[^`\n]*`/g, '``');

  it('renders no link, image, HTML or mention from a registry error, a file or a publish note', () => {
    const md = renderJobSummary({
      command: 'reconcile',
      exitCode: 1,
      notes: ['@org/team please look'],
      run: hostileRun,
      verify: { consumers: 1, findings: [{ file: 'a', line: 1, message: evil }] },
      publish: { mode: 'pull-request', groups: [{ key: 'g', status: 'failed', error: { message: evil } }] },
    });
    const comment = renderPlanComment({ run: hostileRun });
    for (const text of [md, comment]) {
      const r = rendered(text);
      expect(r).not.toMatch(/\]\(https?:/);
      expect(r).not.toContain('://evil');
      expect(r).not.toContain('@org');
      expect(r).not.toContain('<b>');
      expect(r).not.toMatch(/(^|[^&#\w])www\.evil/);
    }
  });
});
