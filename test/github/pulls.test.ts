import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitHub } from '../../src/github/client.js';
import { ACTIONS_CANNOT_CREATE_PR_TEXT } from '../../src/github/errors.js';
import { closePullRequest, commentOnPullRequest, upsertPullRequest } from '../../src/github/pulls.js';
import { hasCode } from '../../src/model/errors.js';
import { type GitHubApi, startGitHubApi } from '../helpers/github-api.js';

const TOKEN = 'ghs_apitoken_9876543210fedcba';
let api: GitHubApi;
const ctx = () => ({
  octokit: createGitHub({ token: TOKEN, baseUrl: api.url, retries: 0, throttle: false }),
  sleep: async () => {},
});
const spec = (over: Partial<Parameters<typeof upsertPullRequest>[1]> = {}) => ({
  owner: 'acme',
  repo: 'deploy',
  head: 'imagestreams/default/python',
  base: 'main',
  title: 'Bump python:3.12',
  body: 'body 1',
  ...over,
});

beforeAll(async () => {
  // The GitHub Enterprise Server layout: REST under /api/v3.
  api = await startGitHubApi({ owner: 'acme', repo: 'deploy', token: TOKEN, prefix: '/api/v3' });
});
afterAll(async () => {
  await api?.close();
});
afterEach(() => {
  const violations = api.violations.splice(0);
  api.pulls.length = 0;
  api.requests.length = 0;
  expect(violations).toEqual([]);
});

describe('upsertPullRequest', () => {
  it('creates, then reports unchanged without writing, then updates', async () => {
    const created = await upsertPullRequest(
      ctx(),
      spec({
        labels: ['images'],
        reviewers: ['alice'],
        teamReviewers: ['platform'],
        assignees: ['bob'],
        draft: true,
      }),
    );
    expect(created.operation).toBe('created');
    expect(created.url).toMatch(/\/pull\/1$/);
    expect(api.pulls[0]).toMatchObject({
      labels: ['images'],
      reviewers: ['alice'],
      teamReviewers: ['platform'],
      assignees: ['bob'],
      draft: true,
    });
    const writes = api.writes().length;
    expect((await upsertPullRequest(ctx(), spec({ labels: ['images'] }))).operation).toBe('unchanged');
    expect(api.writes().length).toBe(writes);
    const updated = await upsertPullRequest(ctx(), spec({ body: 'body 2', labels: ['images'] }));
    expect(updated).toMatchObject({ operation: 'updated', number: created.number });
    expect(api.pulls).toHaveLength(1);
    expect(api.pulls[0]!.body).toBe('body 2');
  });

  it('turns 422 "already exists" from a racing creator into an update of that PR', async () => {
    api.fail('pulls/create', {
      status: 422,
      body: {
        message: 'Validation Failed',
        documentation_url: 'https://docs.github.com/rest',
        errors: [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: 'A pull request already exists for acme:imagestreams/default/python.',
          },
        ],
      },
      effect: () => {
        api.addPull({ head: 'imagestreams/default/python', base: 'main', title: 'old', body: 'old' });
      },
    });
    const r = await upsertPullRequest(ctx(), spec());
    expect(r.operation).toBe('updated');
    expect(api.pulls).toHaveLength(1);
    expect(api.pulls[0]!.title).toBe('Bump python:3.12');
  });

  it('two upserts racing end with one PR', async () => {
    const [a, b] = await Promise.all([upsertPullRequest(ctx(), spec()), upsertPullRequest(ctx(), spec())]);
    expect(api.pulls.filter((p) => p.state === 'open')).toHaveLength(1);
    expect([a.operation, b.operation].sort()).toEqual(['created', 'unchanged']);
    expect(a.number).toBe(b.number);
  });

  it('retries labels while GitHub cannot resolve the new PR yet', async () => {
    api.fail('issues/add-labels', {
      status: 422,
      body: {
        message: 'Could not resolve to a node with the global id of PR_x',
        documentation_url: 'https://docs.github.com/rest',
      },
      times: 2,
    });
    await upsertPullRequest(ctx(), spec({ labels: ['images'] }));
    expect(api.pulls[0]!.labels).toEqual(['images']);
    expect(api.requests.filter((r) => r.operationId === 'issues/add-labels')).toHaveLength(3);
  });

  it('a 403 names the missing permission', async () => {
    api.fail('pulls/create', {
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
      },
    });
    const err = await upsertPullRequest(ctx(), spec()).catch((e) => e);
    expect(hasCode(err, 'GITHUB_FORBIDDEN')).toBe(true);
    expect(err.message).toContain('the token needs pull-requests: write');
    expect(err.message).not.toContain(TOKEN);
  });

  it('explains the repository setting when Actions may not create PRs', async () => {
    api.fail('pulls/create', {
      status: 403,
      body: {
        message: `${ACTIONS_CANNOT_CREATE_PR_TEXT}.`,
        documentation_url: 'https://docs.github.com/rest',
      },
    });
    const err = await upsertPullRequest(ctx(), spec()).catch((e) => e);
    expect(hasCode(err, 'GITHUB_ACTIONS_PR_DISABLED')).toBe(true);
    expect(err.message).toContain('Allow GitHub Actions to create and approve pull requests');
  });

  it('a bad token is a clear error', async () => {
    const octokit = createGitHub({
      token: 'ghs_wrong_token_value',
      baseUrl: api.url,
      retries: 0,
      throttle: false,
    });
    const err = await upsertPullRequest({ octokit }, spec()).catch((e) => e);
    expect(hasCode(err, 'GITHUB_BAD_CREDENTIALS')).toBe(true);
    expect(err.message).not.toContain('ghs_wrong_token_value');
  });

  it('enables auto-merge through GraphQL', async () => {
    await upsertPullRequest(ctx(), spec({ autoMerge: 'SQUASH' }));
    expect(api.pulls[0]!.autoMerge).toBe('SQUASH');
  });
});

describe('closePullRequest and comments', () => {
  it('closes the open PR of a branch with a comment, and is a no-op without one', async () => {
    const { number } = await upsertPullRequest(ctx(), spec());
    const r = await closePullRequest(ctx(), spec(), 'Upstream went back.');
    expect(r).toMatchObject({ operation: 'closed', number });
    expect(api.pulls[0]).toMatchObject({ state: 'closed', comments: [{ body: 'Upstream went back.' }] });
    expect(await closePullRequest(ctx(), spec())).toBeNull();
  });

  it('keeps one marked comment up to date', async () => {
    await upsertPullRequest(ctx(), spec());
    await commentOnPullRequest(ctx(), spec(), 'first', '<!-- m -->');
    await commentOnPullRequest(ctx(), spec(), 'first', '<!-- m -->');
    await commentOnPullRequest(ctx(), spec(), 'second', '<!-- m -->');
    expect(api.pulls[0]!.comments.map((c) => c.body)).toEqual(['second\n\n<!-- m -->']);
  });
});
