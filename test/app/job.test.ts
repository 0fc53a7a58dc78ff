// The whole job across runs, with real parts: the Distribution registry, a git http-backend, and the
// OpenAPI-validated GitHub fake. A quiet run after a PR is opened must push nothing and write nothing to the API.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage, pushImage, type RunningRegistry, startRegistry } from '../../scripts/lib/registry.js';
import { runJob } from '../../src/app/job.js';
import { createGitHub } from '../../src/github/client.js';
import { createLogger } from '../../src/util/logger.js';
import { captureIO } from '../helpers/capture-io.js';
import { type GitServer, git, startGitServer } from '../helpers/git-server.js';
import type { GitHubApi } from '../helpers/github-api.js';
import { hostedRepo } from '../helpers/hosted-repo.js';

const TOKEN = 'ghs_jobsecret_0123456789abcdef';
const BRANCH = 'imagestreams/default/python';
let reg: RunningRegistry;
let server: GitServer;
let api: GitHubApi;
let work: string;
const logs: string[] = [];

beforeAll(async () => {
  [reg, server] = await Promise.all([startRegistry(), startGitServer({ token: TOKEN })]);
  work = await mkdtemp(join(tmpdir(), 'imagestreams-job-'));
});
afterAll(async () => {
  await api?.close();
  await Promise.all([reg?.stop(), server?.close()]);
  await rm(work, { recursive: true, force: true });
});

describe('runJob: reconcile then open a pull request', () => {
  it('opens one PR for an upstream move, leaves it alone on a quiet run, updates it on the next move', async () => {
    const stream = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: python
spec:
  tags:
    - name: "3.12"
      from: {kind: DockerImage, name: "${reg.host}/job/python:3.12"}
      importPolicy: {scheduled: true}
`;
    await pushImage(reg.url, 'job/python', '3.12', makeImage({ seed: 'j1' }));
    const repo = await hostedRepo(
      server,
      work,
      'job',
      { 'imagestreams/python.yaml': stream, '.imagestreams.yaml': 'publish:\n  labels: [images]\n' },
      TOKEN,
    );
    const { bare } = repo;
    api = repo.api;
    const octokit = createGitHub({ token: TOKEN, baseUrl: api.url, retries: 0, throttle: false });
    let runNo = 0;
    const run = async (now: string) => {
      // Every run starts from a fresh checkout of main, as a scheduled workflow does.
      const dir = await repo.checkout(`-run${++runNo}`);
      const io = captureIO(dir, { now });
      io.logger = createLogger((l) => logs.push(l), { level: 'debug' });
      const job = await runJob(io, { github: { token: TOKEN, repository: 'acme/job', octokit } });
      return { job, dir, io };
    };

    // 1. The first import lands on a PR (the base has no lock yet).
    const first = await run('2026-11-27T10:00:00Z');
    expect(first.job.run.status).toBe('ok');
    expect(first.job.publish?.groups.map((g) => g.status)).toEqual(['created']);
    expect(api.pulls).toHaveLength(1);
    expect(api.pulls[0]).toMatchObject({ head: BRANCH, base: 'main', state: 'open', labels: ['images'] });
    const tip1 = (await git(bare, ['rev-parse', BRANCH])).trim();

    // 2. Nothing moved: same bytes on the branch (first-seen time kept), no push, no API write.
    const writes = api.writes().length;
    const second = await run('2026-11-27T11:00:00Z');
    expect(second.job.publish?.groups.map((g) => g.status)).toEqual(['unchanged']);
    expect((await git(bare, ['rev-parse', BRANCH])).trim()).toBe(tip1);
    expect(api.writes().length).toBe(writes);

    // 3. Upstream moves again: the same PR is updated with one new commit on top of main.
    await pushImage(reg.url, 'job/python', '3.12', makeImage({ seed: 'j2' }));
    const third = await run('2026-11-27T12:00:00Z');
    expect(third.job.publish?.groups.map((g) => g.status)).toEqual(['updated']);
    expect(api.pulls).toHaveLength(1);
    expect((await git(bare, ['rev-list', '--count', `main..${BRANCH}`])).trim()).toBe('1');
    const lock = JSON.parse(await git(bare, ['show', `${BRANCH}:imagestreams.lock/default/python.json`]));
    expect(lock.status.tags[0].items[0].image).toBe(makeImage({ seed: 'j2' }).digest);
    expect(api.pulls[0]?.body).toContain(makeImage({ seed: 'j2' }).digest.slice(0, 19));
    await git(bare, ['fsck', '--strict']);

    // The working tree of the run has the lock too; the token is nowhere.
    expect(await readFile(join(third.dir, 'imagestreams.lock/default/python.json'), 'utf8')).toContain(
      '"3.12"',
    );
    const everything = [
      ...logs,
      JSON.stringify(third.job),
      third.io.out(),
      third.io.err(),
      api.pulls[0]?.body,
    ];
    for (const text of everything) expect(text ?? '').not.toContain(TOKEN);
    expect(api.violations).toEqual([]);
  }, 60_000);
});
