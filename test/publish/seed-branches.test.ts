// Pull-request mode on a fresh checkout (the scheduled Action, a new clone): a tag imported on demand keeps its PR
// through the next ordinary run, because each job seeds its locks from the open PR branches first. What is seeded
// and what is not: a branch of an older base, a branch lock that is garbage, too large or another stream's, a lock
// edited in the work tree, a dry run. Real registry, real git http-backend, the OpenAPI-validated GitHub fake.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeImage, pushImage } from '../../scripts/lib/registry.js';
import { runJob } from '../../src/app/job.js';
import { createGitHub } from '../../src/github/client.js';
import { loadProject } from '../../src/loader/load.js';
import { parseLock } from '../../src/loader/lock-file.js';
import { serializeLock } from '../../src/model/lock-format.js';
import { seedFromBranches } from '../../src/publish/seed-branches.js';
import type { Logger } from '../../src/util/logger.js';
import { captureIO } from '../helpers/capture-io.js';
import { git } from '../helpers/git-server.js';
import { type HostedRepo, hostedRepo } from '../helpers/hosted-repo.js';
import { useRealParts } from '../helpers/real-parts.js';

const TOKEN = 'ghs_seedbranches_0123456789abcdef';
const parts = useRealParts(TOKEN, 'seed');
const LOCK = 'imagestreams.lock/default/app.json';
const BRANCH = 'imagestreams/default/app';

const declaration = (host: string, repo: string) => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app}
spec:
  tags:
    - name: stable
      from: {kind: DockerImage, name: "${host}/${repo}:stable"}
      importPolicy: {scheduled: true}
    - name: rc
      from: {kind: DockerImage, name: "${host}/${repo}:rc"}
`;

/** A job on a fresh checkout; `forced` imports those tags on demand (import --publish, the dashboard's box). */
async function job(repo: HostedRepo, suffix: string, o: { forced?: string[]; dryRun?: boolean } = {}) {
  const dir = await repo.checkout(suffix);
  const octokit = createGitHub({ token: TOKEN, baseUrl: repo.api.url, retries: 0, throttle: false });
  const r = await runJob(captureIO(dir, { now: '2026-06-01T00:00:00Z' }), {
    github: { token: TOKEN, repository: `acme/${repo.name}`, octokit },
    publish: { mode: 'pull-request' },
    ...(o.forced ? { streams: { forced: new Set(o.forced) } } : {}),
    ...(o.dryRun ? { dryRun: true } : {}),
  });
  expect(r.run.status).toBe('ok');
  for (const g of r.publish?.groups ?? []) expect(g.status, JSON.stringify(g)).not.toBe('failed');
  return { r, dir };
}

/** A hosted repository whose base locks stable and rc at their first images. */
async function hosted(name: string): Promise<HostedRepo> {
  const push = (tag: string, seed: string) =>
    pushImage(parts.reg.url, `team/${name}`, tag, makeImage({ seed }));
  await Promise.all([push('stable', 's-0'), push('rc', 'r-0')]);
  const repo = await hostedRepo(
    parts.server,
    parts.work,
    name,
    { 'imagestreams/app.yaml': declaration(parts.reg.host, `team/${name}`) },
    TOKEN,
  );
  const dir = await repo.checkout('-base');
  const octokit = createGitHub({ token: TOKEN, baseUrl: repo.api.url, retries: 0, throttle: false });
  const r = await runJob(captureIO(dir), {
    github: { token: TOKEN, repository: `acme/${name}`, octokit },
    publish: { mode: 'commit' },
  });
  expect(r.publish?.groups.map((g) => g.status)).toEqual(['pushed']);
  return repo;
}

/** A logger that keeps warnings. */
function warnings(): Logger & { seen: string[] } {
  const seen: string[] = [];
  return { debug() {}, info() {}, warn: (m: string) => void seen.push(m), error() {}, seen };
}

/** Pushes `files` as one commit on `parent` to branch `branch` of the hosted repository (by a human, with git). */
async function pushBranch(dir: string, branch: string, parent: string, files: Record<string, string>) {
  await git(dir, ['checkout', '--quiet', '-B', `tmp-${branch.replace(/\W/g, '-')}`, parent]);
  for (const [path, text] of Object.entries(files)) await writeFile(join(dir, path), text);
  await git(dir, ['commit', '--quiet', '-am', 'by hand']);
  await git(dir, ['push', '--quiet', '--force', 'origin', `HEAD:refs/heads/${branch}`]);
  const commit = await git(dir, ['rev-parse', 'HEAD']);
  await git(dir, ['checkout', '--quiet', 'main']);
  return commit;
}

describe('pull-request mode on a fresh checkout', () => {
  it("an on-demand import's PR survives the next ordinary run (it used to be closed)", async () => {
    const repo = await hosted('ondemand');
    try {
      await pushImage(parts.reg.url, 'team/ondemand', 'rc', makeImage({ seed: 'r-1' }));
      const first = await job(repo, '-import', { forced: ['default/app:rc'] });
      expect(first.r.publish?.groups.map((g) => g.status)).toEqual(['created']);
      const pr = repo.api.pulls.find((p) => p.head === BRANCH)!;
      const tip = await git(repo.bare, ['rev-parse', BRANCH]);
      const writes = repo.api.writes().length;

      // rc is not scheduled: the ordinary run does not import it, yet keeps what the PR proposes for it.
      const next = await job(repo, '-next');
      expect(pr.state).toBe('open');
      expect(next.r.publish?.groups.map((g) => g.status)).toEqual(['unchanged']);
      expect(next.r.seeded).toEqual([LOCK]);
      expect(await git(repo.bare, ['rev-parse', BRANCH])).toBe(tip);
      expect(repo.api.writes().length).toBe(writes);

      // A dry run reads the base as it is and writes nothing, not even the seeded lock.
      const dry = await job(repo, '-dry', { dryRun: true });
      expect(dry.r.seeded).toBeUndefined();
      expect(await git(dry.dir, ['status', '--porcelain'])).toBe('');
      expect(repo.api.violations).toEqual([]);
    } finally {
      await repo.api.close();
    }
  }, 120_000);

  it('seeds only a current branch lock of the stream; hostile or stale ones are ignored and lose nothing', async () => {
    const repo = await hosted('hostile');
    try {
      const dir = await repo.checkout('-seed');
      const head = await git(dir, ['rev-parse', 'HEAD']);
      const base = await readFile(join(dir, LOCK), 'utf8');
      const project = await loadProject({ cwd: dir });
      const access = {
        url: repo.url,
        token: TOKEN,
        http: (await import('isomorphic-git/http/node')).default,
      };
      const seed = async () => {
        const logger = warnings();
        const r = await seedFromBranches({ dir, project, access, logger });
        return { seeded: r.seeded, warned: logger.seen, text: await readFile(join(dir, LOCK), 'utf8') };
      };
      const lock = parseLock(base, LOCK);
      const other = serializeLock({ ...lock, metadata: { ...lock.metadata, name: 'other' } });
      // Valid and different: the branch proposes only `stable` (as if rc had been dropped).
      const bumped = serializeLock({
        ...lock,
        status: { ...lock.status, tags: lock.status.tags.filter((t) => t.tag === 'stable') },
      });
      expect(bumped).not.toBe(base);

      for (const [what, text] of [
        ['garbage', '{"apiVersion": '],
        ['huge', `${' '.repeat(11 * 1024 * 1024)}{}`],
        ["another stream's", other],
      ] as const) {
        await pushBranch(dir, BRANCH, head, { [LOCK]: text });
        const r = await seed();
        expect(r.seeded, what).toEqual([]);
        expect(r.text, what).toBe(base);
        expect(r.warned.join('\n'), what).toContain(`ignoring ${LOCK} on pull request branch ${BRANCH}`);
      }

      // A branch built on an older base (a declaration changed on main since) is not current.
      await pushBranch(dir, BRANCH, head, { [LOCK]: bumped });
      const moved = await pushBranch(dir, 'main', head, {
        'imagestreams/app.yaml': `${declaration(parts.reg.host, 'team/hostile')}# moved\n`,
      });
      await git(dir, ['reset', '--quiet', '--hard', moved]);
      const stale = await seed();
      expect(stale.seeded).toEqual([]);
      expect(stale.text).toBe(base);

      // Current again (the checkout's HEAD is the branch's parent): seeded; but not over a lock edited here.
      await git(dir, ['reset', '--quiet', '--hard', head]);
      await writeFile(join(dir, LOCK), `${base}\n`);
      expect((await seed()).seeded).toEqual([]);
      await git(dir, ['checkout', '--quiet', '--', LOCK]);
      const fresh = await seed();
      expect(fresh.seeded).toEqual([LOCK]);
      expect(fresh.text).toBe(bumped);
    } finally {
      await repo.api.close();
    }
  }, 120_000);
});
