// publish.signCommits end to end over real parts (Distribution registry, git http-backend, the OpenAPI-validated
// GitHub fake): the branch commit is created through the Git Data API (no git push), a rerun writes nothing, a base
// that moved rebuilds the branch with a forced ref update, and a branch moved underneath is not overwritten.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeImage, pushImage } from '../../scripts/lib/registry.js';
import { runJob } from '../../src/app/job.js';
import { createGitHub } from '../../src/github/client.js';
import { LEFT_ALONE_MARKER } from '../../src/publish/publish.js';
import { createLogger } from '../../src/util/logger.js';
import { captureIO } from '../helpers/capture-io.js';
import { git } from '../helpers/git-server.js';
import { ACTIONS_BOT } from '../helpers/github-api.js';
import { type HostedRepo, hostedRepo } from '../helpers/hosted-repo.js';
import { useRealParts } from '../helpers/real-parts.js';

const TOKEN = 'ghs_signsecret_0123456789abcdef';
const BRANCH = 'imagestreams/default/app';
const parts = useRealParts(TOKEN, 'sign');

const STREAM = (host: string) => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
spec:
  tags:
    - name: latest
      from: {kind: DockerImage, name: "${host}/team/app:main"}
      importPolicy: {scheduled: true}
`;

/** One scheduled run: a fresh checkout of main, reconcile, publish pull requests (throttling off, as in tests). */
async function run(repo: HostedRepo, suffix: string, now: string, publishMode?: 'commit') {
  const dir = await repo.checkout(suffix);
  const io = captureIO(dir, { now });
  const logs: string[] = [];
  io.logger = createLogger((l) => logs.push(l), { level: 'info' });
  const octokit = createGitHub({ token: TOKEN, baseUrl: repo.api.url, retries: 0, throttle: false });
  const job = await runJob(io, {
    github: { token: TOKEN, repository: `acme/${repo.name}`, octokit },
    publish: publishMode ? { mode: publishMode } : {},
  });
  return { groups: job.publish?.groups ?? [], logs: logs.join('\n') };
}

/** A commit on `ref` in the bare repository adding `files` (a temporary index), as another client would push it. */
async function commitInBare(bare: string, ref: string, files: Record<string, string>, message: string) {
  const env = { GIT_INDEX_FILE: join(parts.work, `index-${Math.random().toString(36).slice(2)}`) };
  await git(bare, ['read-tree', ref], env);
  for (const [path, text] of Object.entries(files)) {
    const blob = (await execIn(bare, ['hash-object', '-w', '--stdin'], text)).trim();
    await git(bare, ['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], env);
  }
  const tree = await git(bare, ['write-tree'], env);
  const human = { GIT_AUTHOR_NAME: 'Hu Man', GIT_AUTHOR_EMAIL: 'hu@example.com' };
  const commit = await git(bare, ['commit-tree', tree, '-p', ref, '-m', message], {
    ...human,
    GIT_COMMITTER_NAME: 'Hu Man',
    GIT_COMMITTER_EMAIL: 'hu@example.com',
  });
  await git(bare, ['update-ref', ref, commit]);
  return commit;
}

async function execIn(cwd: string, args: string[], input: string): Promise<string> {
  const { execa } = await import('execa');
  return (await execa('git', args, { cwd, input })).stdout;
}

describe('publish.signCommits', () => {
  it('creates the branch commit through the Git Data API, writes nothing on a rerun, never overwrites a moved branch', async () => {
    const v1 = makeImage({ seed: 'sign-1' });
    await pushImage(parts.reg.url, 'team/app', 'main', v1);
    const repo = await hostedRepo(
      parts.server,
      parts.work,
      'signed',
      {
        '.imagestreams.yaml': 'publish:\n  signCommits: true\n',
        'imagestreams/app.yaml': STREAM(parts.reg.host),
        'deploy/compose.yaml':
          'services:\n  web:\n    image: example.invalid/app:0 # imagestream: app:latest\n',
      },
      TOKEN,
    );
    const bare = (...args: string[]) => git(repo.bare, args);
    try {
      const mainTip = await bare('rev-parse', 'main');
      const pushes = parts.server.pushBytes();

      // First run: blobs, a tree on main's tree, a commit with no author, then a new ref; no git push at all.
      const r1 = await run(repo, '-1', '2026-03-01T00:00:00Z');
      expect(r1.groups.map((g) => [g.status, g.pushed])).toEqual([['created', true]]);
      expect(parts.server.pushBytes()).toBe(pushes);
      const ops = repo.api.writes().map((w) => w.operationId);
      expect(ops.filter((o) => o.startsWith('git/'))).toEqual([
        'git/create-blob',
        'git/create-blob',
        'git/create-tree',
        'git/create-commit',
        'git/create-ref',
      ]);
      const commitReq = repo.api.requests.find((q) => q.operationId === 'git/create-commit')!;
      expect(Object.keys(commitReq.body as object).sort()).toEqual(['message', 'parents', 'tree']);
      expect((commitReq.response as { verification: { verified: boolean } }).verification.verified).toBe(
        true,
      );
      const tip = await bare('rev-parse', BRANCH);
      expect(await bare('rev-parse', `${BRANCH}^@`)).toBe(mainTip);
      expect(await bare('log', '-1', '--format=%an <%ae>|%cn <%ce>', BRANCH)).toBe(
        `${ACTIONS_BOT.name} <${ACTIONS_BOT.email}>|${ACTIONS_BOT.name} <${ACTIONS_BOT.email}>`,
      );
      expect(await bare('log', '-1', '--format=%B', BRANCH)).toContain('Imagestreams-Group: default/app');
      expect((await bare('diff', '--name-status', 'main', BRANCH)).split('\n')).toEqual([
        'M\tdeploy/compose.yaml',
        'A\timagestreams.lock/default/app.json',
      ]);
      expect(await bare('show', `${BRANCH}:deploy/compose.yaml`)).toContain(`team/app:main@${v1.digest}`);
      expect(await bare('show', `${BRANCH}:imagestreams.lock/default/app.json`)).toContain(v1.digest);
      await bare('fsck', '--strict');
      expect(repo.api.pulls).toHaveLength(1);
      expect(repo.api.pulls[0]!).toMatchObject({ head: BRANCH, base: 'main', state: 'open', headSha: tip });

      // Rerun from a fresh checkout: the API commit is recognised as ours and already holds the tree: no write.
      const writes = repo.api.writes().length;
      const r2 = await run(repo, '-2', '2026-03-02T00:00:00Z');
      expect(r2.groups.map((g) => g.status)).toEqual(['unchanged']);
      expect(repo.api.writes().length).toBe(writes);
      expect(await bare('rev-parse', BRANCH)).toBe(tip);

      // main moves (an unrelated file): the branch's parent is still on main (compare says so), so the branch is
      // rebuilt on the new tip and moved with a forced ref update.
      const moved = await commitInBare(repo.bare, 'refs/heads/main', { 'README.md': 'hello\n' }, 'docs');
      const r3 = await run(repo, '-3', '2026-03-03T00:00:00Z');
      expect(r3.groups.map((g) => [g.status, g.pushed])).toEqual([['updated', true]]);
      expect(repo.api.requests.some((q) => q.operationId === 'repos/compare-commits')).toBe(true);
      expect(
        repo.api.writes().at(-1)?.operationId === 'git/update-ref' ||
          repo.api.writes().some((w) => w.operationId === 'git/update-ref'),
      ).toBe(true);
      expect(await bare('rev-parse', `${BRANCH}^@`)).toBe(moved);
      expect(await bare('show', `${BRANCH}:README.md`)).toBe('hello');
      const rebuilt = await bare('rev-parse', BRANCH);
      expect(rebuilt).not.toBe(tip);
      await bare('fsck', '--strict');

      // Upstream moves, and someone pushes to the branch just before the run re-reads it (the lease): the run
      // does not move the branch; on its retry it sees a commit it did not make and leaves the branch alone.
      await pushImage(parts.reg.url, 'team/app', 'main', makeImage({ seed: 'sign-2' }));
      let human = '';
      repo.api.before('git/get-ref', async () => {
        human = await commitInBare(repo.bare, `refs/heads/${BRANCH}`, { 'NOTE.md': 'mine\n' }, 'a human fix');
      });
      const r4 = await run(repo, '-4', '2026-03-04T00:00:00Z');
      expect(r4.groups.map((g) => [g.status, g.attempts])).toEqual([['skipped', 2]]);
      expect(r4.logs).toMatch(/branch imagestreams\/default\/app moved on the remote; rebuilding/);
      expect(human).toMatch(/^[0-9a-f]{40}$/);
      expect(await bare('rev-parse', BRANCH)).toBe(human);
      // The lease read saw the human commit, so nothing moved the branch; the retry then left it alone.
      const leaseRead = repo.api.requests.filter((q) => q.operationId === 'git/get-ref').at(-1)!;
      expect((leaseRead.response as { object: { sha: string } }).object.sha).toBe(human);
      expect(repo.api.pulls[0]!.comments.map((c) => c.body).join('\n')).toContain(LEFT_ALONE_MARKER);
      expect(repo.api.writes().filter((w) => w.operationId === 'git/update-ref')).toHaveLength(1);
      expect(parts.server.pushBytes()).toBe(pushes);
      await bare('fsck', '--strict');
      expect(repo.api.violations).toEqual([]);
    } finally {
      await repo.api.close();
    }
  }, 60_000);

  it('fails commit mode (--publish commit) with signCommits and pushes nothing', async () => {
    await pushImage(parts.reg.url, 'team/app', 'main', makeImage({ seed: 'sign-c' }));
    const repo = await hostedRepo(
      parts.server,
      parts.work,
      'signed-commit-mode',
      {
        '.imagestreams.yaml': 'publish:\n  signCommits: true\n',
        'imagestreams/app.yaml': STREAM(parts.reg.host),
      },
      TOKEN,
    );
    try {
      const mainTip = await git(repo.bare, ['rev-parse', 'main']);
      const r = await run(repo, '-c', '2026-03-01T00:00:00Z', 'commit');
      expect(r.groups.map((g) => [g.status, g.error?.code])).toEqual([
        ['failed', 'PUBLISH_SIGN_COMMITS_MODE'],
      ]);
      expect(r.groups[0]!.error!.message).toMatch(/pull-request mode only.*--publish pull-request/);
      expect(await git(repo.bare, ['rev-parse', 'main'])).toBe(mainTip);
      expect(repo.api.requests).toEqual([]);
    } finally {
      await repo.api.close();
    }
  });

  it('refuses signCommits with commit mode as a config error that names the fix', async () => {
    const { parseConfig } = await import('../../src/config/load.js');
    const r = parseConfig('.imagestreams.yaml', 'publish:\n  mode: commit\n  signCommits: true\n');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'CONFIG_CONFLICT', line: 3 });
    expect(r.diagnostics[0]!.message).toMatch(/pull-request mode only.*set publish.mode to "pull-request"/);
  });
});
