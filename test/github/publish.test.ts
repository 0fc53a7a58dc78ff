// End-to-end publishing: a real git http-backend for the branches, the OpenAPI-validated fake for the PRs.
import * as fs from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'isomorphic-git/http/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitHub } from '../../src/github/client.js';
import { ACTIONS_CANNOT_CREATE_PR_TEXT } from '../../src/github/errors.js';
import type { StreamChange } from '../../src/plan/changes.js';
import { type PublishGroup, type PublishOptions, publish } from '../../src/publish/publish.js';
import { createLogger } from '../../src/util/logger.js';
import { type GitServer, git, startGitServer } from '../helpers/git-server.js';
import type { GitHubApi } from '../helpers/github-api.js';
import { hostedRepo } from '../helpers/hosted-repo.js';
import { consumers, changes as fixtureChanges } from '../render/pr-body.fixtures.js';

const TOKEN = 'ghs_publishsecret_ABCDEFGH12345678';
const BOT = { name: 'imagestreams[bot]', email: 'bot@imagestreams.dev' };
const LOCK = 'imagestreams.lock/default/python.yaml';
const CONSUMER = 'deploy/web.yaml';
const BRANCH = 'imagestreams/default/python';

let server: GitServer;
let work: string;
let n = 0;
const captured: string[] = [];
const apis: GitHubApi[] = [];

beforeAll(async () => {
  server = await startGitServer({ token: TOKEN });
  work = await mkdtemp(join(tmpdir(), 'imagestreams-publish-'));
});
afterAll(async () => {
  await Promise.all(apis.map((a) => a.close()));
  await server?.close();
  await rm(work, { recursive: true, force: true });
});
afterEach(() => {
  for (const a of apis) expect(a.violations).toEqual([]);
});

async function scenario() {
  const name = `pub${++n}`;
  const { bare, url, api, checkout } = await hostedRepo(
    server,
    work,
    name,
    { [LOCK]: 'digest: sha256:aaaa\n', [CONSUMER]: 'image: python@sha256:aaaa\n', 'README.md': 'hello\n' },
    TOKEN,
  );
  apis.push(api);
  const dir = await checkout();
  const logger = createLogger((l) => captured.push(l), { level: 'debug' });
  const octokit = createGitHub({ token: TOKEN, baseUrl: api.url, retries: 0, throttle: false });
  const group = (changes: StreamChange[] = fixtureChanges): PublishGroup => ({
    key: 'default/python',
    branch: BRANCH,
    files: [LOCK, CONSUMER],
    changes,
    consumers,
  });
  const run = async (over: Partial<PublishOptions> & { in?: string } = {}) => {
    const result = await publish({
      mode: 'pull-request',
      fs,
      dir: over.in ?? dir,
      git: { token: TOKEN, http },
      github: { octokit, owner: 'acme', repo: name },
      groups: [group()],
      author: BOT,
      logger,
      now: () => new Date('2026-03-01T12:00:00Z'),
      sleep: async () => {},
      pr: { labels: ['images'], reviewers: ['alice'] },
      ...over,
    });
    captured.push(JSON.stringify(result));
    return result;
  };
  const write = (content: string, d = dir) =>
    Promise.all([
      writeFile(join(d, LOCK), `digest: sha256:${content}\n`),
      writeFile(join(d, CONSUMER), `image: python@sha256:${content}\n`),
    ]);
  const receivePacks = () => server.requests.filter((r) => r.path === `/${name}.git/git-receive-pack`).length;
  return { bare, dir, api, run, write, checkout, receivePacks, url };
}

describe('publish, pull-request mode', () => {
  it('opens the first PR: one commit on a new branch, labels and reviewers, a valid repository', async () => {
    const s = await scenario();
    await s.write('bbbb');
    const r = await s.run();
    expect(r.groups).toMatchObject([
      { key: 'default/python', status: 'created', pushed: true, pullRequest: { number: 1 } },
    ]);
    expect(r.groups[0]!.uploadedBytes).toBeLessThan(2000);
    expect(await git(s.bare, ['rev-list', '--count', `main..${BRANCH}`])).toBe('1');
    expect(await git(s.bare, ['show', `${BRANCH}:${LOCK}`])).toBe('digest: sha256:bbbb');
    expect(await git(s.bare, ['show', `${BRANCH}:README.md`])).toBe('hello');
    expect(await git(s.bare, ['log', '-1', '--format=%B', BRANCH])).toContain(
      'Imagestreams-Group: default/python',
    );
    await git(s.bare, ['fsck', '--strict']);
    const pr = s.api.pulls[0]!;
    expect(pr).toMatchObject({
      head: BRANCH,
      base: 'main',
      labels: ['images', 'imagestreams:republished'], // the fixture moves the release tag 3.12.1
      reviewers: ['alice'],
      title: 'Bump 2 tags of default/python',
    });
    expect(pr.body).toContain('<!-- imagestreams:group=default/python -->');
    expect(pr.headSha).toBe(await git(s.bare, ['rev-parse', BRANCH]));

    // Second run with nothing new: no push, no API write.
    const packs = s.receivePacks();
    const writes = s.api.writes().length;
    const again = await s.run();
    expect(again.groups[0]).toMatchObject({ status: 'unchanged', pushed: false });
    expect(s.receivePacks()).toBe(packs);
    expect(s.api.writes().length).toBe(writes);

    // Upstream moves again: the same PR, the branch rebuilt as one commit on the base.
    await s.write('cccc');
    const moved = await s.run({
      groups: [{ ...(await import('./publish.test-data.js')).movedAgain(BRANCH, [LOCK, CONSUMER]) }],
    });
    expect(moved.groups[0]).toMatchObject({ status: 'updated', pushed: true, pullRequest: { number: 1 } });
    expect(s.api.pulls).toHaveLength(1);
    expect(s.api.pulls[0]!.title).toBe('Bump default/python:3.12 to sha256:cccccccccccc');
    expect(await git(s.bare, ['rev-list', '--count', `main..${BRANCH}`])).toBe('1');
    expect(await git(s.bare, ['show', `${BRANCH}:${LOCK}`])).toBe('digest: sha256:cccc');
    await git(s.bare, ['fsck', '--strict']);

    // Upstream reverts to what main has: PR closed, branch deleted.
    await s.write('aaaa');
    const reverted = await s.run({
      groups: [
        { key: 'default/python', branch: BRANCH, files: [LOCK, CONSUMER], changes: [], consumers: [] },
      ],
    });
    expect(reverted.groups[0]).toMatchObject({ status: 'closed', pullRequest: { number: 1 } });
    expect(s.api.pulls[0]!.state).toBe('closed');
    expect(await git(s.bare, ['branch', '--list', BRANCH])).toBe('');
    // And once more: nothing to do, nothing written.
    const writes2 = s.api.writes().length;
    expect(
      (
        await s.run({
          groups: [{ key: 'default/python', branch: BRANCH, files: [LOCK], changes: [], consumers: [] }],
        })
      ).groups[0]!.status,
    ).toBe('nothing');
    expect(s.api.writes().length).toBe(writes2);
  });

  it('leaves a branch a human pushed to alone and says so on the PR', async () => {
    const s = await scenario();
    await s.write('bbbb');
    await s.run();
    const human = join(work, `human${n}`);
    await git(work, ['clone', '--quiet', '--branch', BRANCH, s.bare, human]);
    await writeFile(join(human, 'README.md'), 'human edit\n');
    await git(human, ['commit', '--quiet', '-am', 'fix by hand']);
    await git(human, ['push', '--quiet', 'origin', BRANCH]);
    const tip = await git(s.bare, ['rev-parse', BRANCH]);

    await s.write('cccc');
    const r = await s.run();
    expect(r.groups[0]).toMatchObject({ status: 'skipped' });
    expect(r.groups[0]!.reason).toContain('Test Human <human@example.com>');
    expect(await git(s.bare, ['rev-parse', BRANCH])).toBe(tip);
    expect(s.api.pulls[0]!.comments).toHaveLength(1);
    expect(s.api.pulls[0]!.comments[0]!.body).toContain('left this branch alone');
    // Reported once, not on every run.
    await s.run();
    expect(s.api.pulls[0]!.comments).toHaveLength(1);
  });

  it('after the PR is merged, the leftover branch is deleted and nothing is proposed', async () => {
    const s = await scenario();
    await s.write('bbbb');
    await s.run();
    // Merge (fast-forward) on the server, and the PR is marked merged/closed.
    await git(s.bare, ['update-ref', 'refs/heads/main', await git(s.bare, ['rev-parse', BRANCH])]);
    s.api.pulls[0]!.state = 'closed';
    const r = await s.run();
    expect(r.groups[0]).toMatchObject({ status: 'nothing', reason: 'leftover branch deleted' });
    expect(await git(s.bare, ['branch', '--list', BRANCH])).toBe('');
    expect(s.api.pulls).toHaveLength(1);
  });

  it('two runs racing end with one PR and one valid branch', async () => {
    const s = await scenario();
    const other = await s.checkout('-b');
    await s.write('bbbb');
    await s.write('bbbb', other);
    const [a, b] = await Promise.all([s.run(), s.run({ in: other })]);
    expect(s.api.pulls.filter((p) => p.state === 'open')).toHaveLength(1);
    const statuses = [a.groups[0]!.status, b.groups[0]!.status].sort();
    expect(statuses[0]).toBe('created');
    expect(['unchanged', 'updated']).toContain(statuses[1]);
    expect(await git(s.bare, ['rev-list', '--count', `main..${BRANCH}`])).toBe('1');
    await git(s.bare, ['fsck', '--strict']);
  });

  it('rebuilds and retries when the branch moves under the push (lease)', async () => {
    const s = await scenario();
    await s.write('bbbb');
    await s.run();
    // Another reconciler pushes a newer bot commit after our listing: simulate by racing a second checkout.
    const other = await s.checkout('-c');
    await s.write('dddd', other);
    await s.write('cccc');
    const [a, b] = await Promise.all([s.run(), s.run({ in: other })]);
    expect(
      [a.groups[0]!.status, b.groups[0]!.status].every((x) => x === 'updated' || x === 'unchanged'),
    ).toBe(true);
    const content = await git(s.bare, ['show', `${BRANCH}:${LOCK}`]);
    expect(['digest: sha256:cccc', 'digest: sha256:dddd']).toContain(content);
    expect(await git(s.bare, ['rev-list', '--count', `main..${BRANCH}`])).toBe('1');
    expect(s.api.pulls).toHaveLength(1);
  });

  it('turns 422 "already exists" into an update of the existing PR', async () => {
    const s = await scenario();
    await s.write('bbbb');
    s.api.fail('pulls/create', {
      status: 422,
      body: {
        message: 'Validation Failed',
        documentation_url: 'https://docs.github.com/rest',
        errors: [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `A pull request already exists for acme:${BRANCH}.`,
          },
        ],
      },
      effect: () => {
        s.api.addPull({ head: BRANCH, base: 'main', title: 'from another run' });
      },
    });
    const r = await s.run();
    expect(r.groups[0]).toMatchObject({ status: 'updated', pullRequest: { number: 1 } });
    expect(s.api.pulls).toHaveLength(1);
  });

  it('names the missing permission, and explains the Actions setting', async () => {
    const s = await scenario();
    await s.write('bbbb');
    s.api.fail('pulls/create', {
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
      },
    });
    const r = await s.run();
    expect(r.groups[0]).toMatchObject({ status: 'failed', error: { code: 'GITHUB_FORBIDDEN' } });
    expect(r.groups[0]!.error!.message).toContain('the token needs pull-requests: write');
    s.api.fail('pulls/create', {
      status: 403,
      body: {
        message: `${ACTIONS_CANNOT_CREATE_PR_TEXT}.`,
        documentation_url: 'https://docs.github.com/rest',
      },
    });
    const r2 = await s.run();
    expect(r2.groups[0]).toMatchObject({ status: 'failed', error: { code: 'GITHUB_ACTIONS_PR_DISABLED' } });
    expect(r2.groups[0]!.error!.message).toContain('Workflow permissions');
  });

  it('a wrong git token fails the group with a clear error', async () => {
    const s = await scenario();
    await s.write('bbbb');
    const err = await s.run({ git: { token: 'ghs_not_the_right_one', http } }).catch((e) => e);
    expect(err.code).toBe('GIT_AUTH_FAILED');
    expect(err.message).not.toContain('ghs_not_the_right_one');
    captured.push(err.message, JSON.stringify(err.data), String(err.cause));
  });
});

describe('publish, commit mode', () => {
  it('commits on the checked-out branch, and rebuilds on the new tip when the base moved', async () => {
    const s = await scenario();
    const human = join(work, `human${n}`);
    await git(work, ['clone', '--quiet', s.bare, human]);
    await writeFile(join(human, 'README.md'), 'moved meanwhile\n');
    await git(human, ['commit', '--quiet', '-am', 'human change']);
    await git(human, ['push', '--quiet', 'origin', 'main']);
    const moved = await git(s.bare, ['rev-parse', 'main']);

    await s.write('bbbb');
    const r = await s.run({ mode: 'commit' });
    expect(r.groups[0]).toMatchObject({ status: 'pushed', branch: 'main' });
    expect(await git(s.bare, ['rev-parse', 'main^'])).toBe(moved);
    expect(await git(s.bare, ['show', `main:${LOCK}`])).toBe('digest: sha256:bbbb');
    expect(await git(s.bare, ['show', 'main:README.md'])).toBe('moved meanwhile');
    await git(s.bare, ['fsck', '--strict']);
    expect(s.api.requests).toHaveLength(0);

    const again = await s.run({ mode: 'commit' });
    expect(again.groups[0]!.status).toBe('nothing');
  });

  it('retries when the push is rejected because the base moved after listing', async () => {
    const s = await scenario();
    await s.write('bbbb');
    // A second checkout commits first; ours then fails its lease once and rebuilds.
    const other = await s.checkout('-x');
    await writeFile(join(other, 'README.md'), 'other bot\n');
    const [a, b] = await Promise.all([
      s.run({ mode: 'commit' }),
      s.run({
        mode: 'commit',
        in: other,
        groups: [{ key: 'readme', branch: '', files: ['README.md'], changes: [], consumers: [] }],
      }),
    ]);
    expect([a.groups[0]!.status, b.groups[0]!.status]).toEqual(['pushed', 'pushed']);
    expect(await git(s.bare, ['show', `main:${LOCK}`])).toBe('digest: sha256:bbbb');
    expect(await git(s.bare, ['show', 'main:README.md'])).toBe('other bot');
    expect(await git(s.bare, ['rev-list', '--count', 'main'])).toBe('3');
    await git(s.bare, ['fsck', '--strict']);
  });
});

describe('publish, nothing attempted', () => {
  it('reports instead of attempting without credentials, from a fork, or in mode none', async () => {
    const s = await scenario();
    await s.write('bbbb');
    const before = server.requests.length;
    expect((await s.run({ git: { http } })).skipped?.code).toBe('NO_CREDENTIALS');
    expect((await s.run({ fork: true })).skipped?.code).toBe('FORK');
    expect((await s.run({ mode: 'none' })).skipped?.code).toBe('MODE_NONE');
    expect(server.requests.length).toBe(before);
    expect(s.api.requests).toHaveLength(0);
  });

  it('refuses an index v4 checkout with the fix, before any network', async () => {
    const s = await scenario();
    await git(s.dir, ['update-index', '--index-version', '4']);
    const err = await s.run().catch((e) => e);
    expect(err.code).toBe('GIT_UNSUPPORTED_INDEX');
    captured.push(err.message);
  });

  it('a dry run says what would be published without any network', async () => {
    const s = await scenario();
    await s.write('bbbb');
    const before = server.requests.length;
    const r = await s.run({ dryRun: true });
    expect(r.groups).toEqual([{ key: 'default/python', status: 'planned', branch: BRANCH }]);
    expect(server.requests.length).toBe(before);
  });
});

describe('secrets', () => {
  it('no token appears in logs, results, errors, PR text, comments or request URLs', () => {
    // No token anywhere in what was logged, returned, or sent as PR text.
    const everything = [
      ...captured,
      ...apis.flatMap((a) =>
        a.requests.map((r) => JSON.stringify({ b: r.body, r: r.response, p: r.path, q: r.query })),
      ),
      ...apis.flatMap((a) =>
        a.pulls.map((p) => `${p.title}\n${p.body}\n${p.comments.map((c) => c.body).join('\n')}`),
      ),
      ...server.requests.map((r) => `${r.path}?${r.query}`),
    ].join('\n');
    expect(everything.length).toBeGreaterThan(1000);
    expect(everything).not.toContain(TOKEN);
  });
});
