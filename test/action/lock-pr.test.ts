// Input `lock-pr: true` on pull_request events, run as the Action runs it (INPUT_* variables, the event file at
// GITHUB_EVENT_PATH as GitHub writes it, the workspace), against a real registry, a real git http-backend and the
// OpenAPI-validated fake GitHub API: a same-repository pull request gets one commit with its lock and consumers;
// a re-run commits nothing; a fork is validated only; a head that moved is refused; untouched streams stay put.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runReconcile } from '../../src/app/reconcile.js';
import { readContext } from '../../src/entry/action/context.js';
import { executeAction } from '../../src/entry/action/execute.js';
import { readInputs } from '../../src/entry/action/inputs.js';
import type { ActionOutcome } from '../../src/entry/action/outcome.js';
import { LOCK_PR_TRAILER } from '../../src/render/lock-pr.js';
import { silentLogger } from '../../src/util/logger.js';
import { type GitServer, git, startGitServer, writeFiles } from '../helpers/git-server.js';
import { ACTIONS_BOT, type GitHubApi } from '../helpers/github-api.js';
import { fileAt, hostedRepo } from '../helpers/hosted-repo.js';
import { makeImage, pushImage } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';

const TOKEN = 'ghs_lockprsecret_0123456789abcdef';
const BRANCH = 'edit-python';
let reg: RunningRegistry;
let server: GitServer;
let work: string;
let n = 0;
const apis: GitHubApi[] = [];

beforeAll(async () => {
  [reg, server] = await Promise.all([startRegistry(), startGitServer({ token: TOKEN })]);
  work = await mkdtemp(join(tmpdir(), 'imagestreams-lock-pr-'));
});
afterAll(async () => {
  await Promise.all(apis.map((a) => a.close()));
  await Promise.all([reg?.stop(), server?.close()]);
  await rm(work, { recursive: true, force: true });
});
afterEach(() => {
  for (const a of apis) expect(a.violations).toEqual([]);
});

function stream(name: string, from: string, extra = ''): string {
  return [
    'apiVersion: image.openshift.io/v1',
    'kind: ImageStream',
    'metadata:',
    `  name: ${name}`,
    ...(extra ? [extra] : []),
    'spec:',
    '  tags:',
    `    - name: "${from.split(':').pop()}"`,
    `      from: {kind: DockerImage, name: "${reg.host}/${from}"}`,
    '      importPolicy: {scheduled: true}',
    '',
  ].join('\n');
}

const DOCKERFILE =
  '# imagestream: python:3.12\nFROM python:3.12 AS build\n# imagestream: other:1\nFROM other:1\n';

/** Makes a full-history checkout at `sha`, detached, as actions/checkout does with `ref: <sha>` and fetch-depth 0. */
async function checkoutAt(url: string, sha: string): Promise<string> {
  const dir = join(work, `co${++n}`);
  await git(work, ['init', '--quiet', dir]);
  await git(dir, ['remote', 'add', 'origin', url]);
  const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
  await git(dir, ['config', '--local', `http.${url}/.extraheader`, `AUTHORIZATION: basic ${basic}`]);
  await git(dir, ['fetch', '--quiet', '--no-tags', 'origin', '+refs/heads/*:refs/remotes/origin/*']);
  await git(dir, ['checkout', '--quiet', '--detach', sha]);
  return dir;
}

/**
 * main holds three locked streams and a Dockerfile that follows two of them; branch edit-python re-points
 * python:3.12 to another image and deletes the `old` stream; after it branched, main edited `other` (a label),
 * and `other`'s upstream moved. Returns the repository, the pull request's head and base SHAs.
 */
async function scenario(extra: Record<string, string> = {}) {
  const name = `lockpr${++n}`;
  const repo = `lp${n}`;
  await pushImage(reg.url, `${repo}/python`, '3.12', makeImage({ seed: `${name}-py312` }));
  await pushImage(reg.url, `${repo}/python`, '3.13', makeImage({ seed: `${name}-py313` }));
  await pushImage(reg.url, `${repo}/other`, '1', makeImage({ seed: `${name}-other-1` }));
  await pushImage(reg.url, `${repo}/old`, '1', makeImage({ seed: `${name}-old-1` }));
  const hosted = await hostedRepo(
    server,
    work,
    name,
    {
      'imagestreams/python.yaml': stream('python', `${repo}/python:3.12`),
      'imagestreams/other.yaml': stream('other', `${repo}/other:1`),
      'imagestreams/old.yaml': stream('old', `${repo}/old:1`),
      Dockerfile: DOCKERFILE,
      ...extra,
    },
    TOKEN,
  );
  apis.push(hosted.api);
  const gitCli = (args: string[]) => git(seed, args);
  // main gets its locks the way the scheduled run would have written them.
  const seed = await hosted.checkout('-seed');
  const locked = await runReconcile({ env: {}, cwd: seed, now: () => new Date(), logger: silentLogger });
  expect(locked.status).toBe('ok');
  await gitCli(['add', '-A']);
  await gitCli(['commit', '--quiet', '-m', 'lock']);
  await gitCli(['push', '--quiet', hosted.url, 'HEAD:refs/heads/main']);
  const branchPoint = await gitCli(['rev-parse', 'HEAD']);
  // The pull request: python re-pointed to 3.13 (a declaration edit), the `old` stream deleted.
  await gitCli(['checkout', '--quiet', '-b', BRANCH]);
  await writeFiles(seed, {
    'imagestreams/python.yaml': stream('python', `${repo}/python:3.13`).replace(
      'name: "3.13"',
      'name: "3.12"',
    ),
  });
  await gitCli(['rm', '--quiet', 'imagestreams/old.yaml']);
  await gitCli(['commit', '--quiet', '-am', 'python 3.12 builds on the 3.13 image; drop old']);
  await gitCli(['push', '--quiet', hosted.url, `${BRANCH}:refs/heads/${BRANCH}`]);
  const headSha = await gitCli(['rev-parse', 'HEAD']);
  // main moves on after the branch point: `other` gets a label there (not the pull request's change).
  await gitCli(['checkout', '--quiet', '--detach', branchPoint]);
  await writeFiles(seed, {
    'imagestreams/other.yaml': stream('other', `${repo}/other:1`, '  labels: {team: a}'),
  });
  await gitCli(['commit', '--quiet', '-am', 'label other']);
  await gitCli(['push', '--quiet', hosted.url, 'HEAD:refs/heads/main']);
  const baseSha = await gitCli(['rev-parse', 'HEAD']);
  // Upstream moves for the untouched stream: it must stay at its lock.
  await pushImage(reg.url, `${repo}/other`, '1', makeImage({ seed: `${name}-other-2` }));
  const pull = hosted.api.addPull({ head: BRANCH, base: 'main', title: 'python on 3.13', headSha });
  return { ...hosted, name, headSha, baseSha, branchPoint, pull };
}

/** A pull_request event payload as GitHub writes it (the fields the Action reads, and a few it does not). */
function prEvent(s: { name: string; baseSha: string }, number: number, headSha: string, headRepo?: string) {
  const full = `acme/${s.name}`;
  return {
    action: 'synchronize',
    number,
    before: '0'.repeat(40),
    after: headSha,
    pull_request: {
      number,
      state: 'open',
      head: {
        label: `acme:${BRANCH}`,
        ref: BRANCH,
        sha: headSha,
        repo: { full_name: headRepo ?? full, fork: Boolean(headRepo) },
      },
      base: { label: 'acme:main', ref: 'main', sha: s.baseSha, repo: { full_name: full, fork: false } },
    },
    repository: { full_name: full },
  };
}

/** One run of the Action's entry, in process: inputs and context read from the variables a runner sets. */
async function runAction(
  s: { name: string; api: GitHubApi },
  dir: string,
  event: unknown,
  inputs: Record<string, string> = {},
): Promise<{ outcome: ActionOutcome; log: string }> {
  const temp = await mkdtemp(join(work, 'runner-'));
  const eventPath = join(temp, 'event.json');
  await writeFile(eventPath, JSON.stringify(event));
  const env: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: dir,
    GITHUB_REPOSITORY: `acme/${s.name}`,
    GITHUB_API_URL: s.api.url,
    INPUT_TOKEN: TOKEN,
    'INPUT_LOCK-PR': 'true',
    // The plan comment is checked once (first test); octokit spaces out writes, which makes every run slower.
    INPUT_COMMENT: 'false',
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  let log = '';
  const outcome = await executeAction(readInputs(env), readContext(env), {
    env,
    secrets: [TOKEN],
    log: (t) => {
      log += t;
    },
  });
  return { outcome, log };
}

const pushes = (name: string) =>
  server.requests.filter((r) => r.path === `/${name}.git/git-receive-pack` && r.method === 'POST').length;

describe('lock-pr: true on a pull_request', () => {
  it('a same-repository pull request gets one commit with its lock and consumers; untouched streams stay at their locks', async () => {
    const s = await scenario();
    const dir = await checkoutAt(s.url, s.headSha);
    const mainOther = await fileAt(s.bare, 'main', 'imagestreams.lock/default/other.json');
    const { outcome, log } = await runAction(s, dir, prEvent(s, s.pull.number, s.headSha), {
      comment: 'true',
    });
    expect(outcome.exitCode, `${log}\n${outcome.failure}`).toBe(0);
    const lockPr = outcome.result.lockPr as Record<string, unknown>;
    expect(lockPr).toMatchObject({ status: 'pushed', changed: ['default/python'], removed: ['default/old'] });
    expect(lockPr.mergeBase).toBe(s.branchPoint);
    // Only the new objects are sent: the lock, the Dockerfile, their trees and the commit.
    expect(lockPr.uploadedBytes).toBeLessThan(4096);
    // One commit, a fast-forward of the head the event named, carrying the trailer.
    const tip = await git(s.bare, ['rev-parse', `refs/heads/${BRANCH}`]);
    expect(tip).toBe(lockPr.commit);
    expect(await git(s.bare, ['rev-parse', `${tip}^`])).toBe(s.headSha);
    expect(await git(s.bare, ['log', '-1', '--format=%B', tip])).toContain(
      `${LOCK_PR_TRAILER}: ${s.headSha}`,
    );
    const touched = (await git(s.bare, ['diff', '--name-only', s.headSha, tip])).split('\n');
    expect(touched).toEqual([
      'Dockerfile',
      'imagestreams.lock/default/old.json',
      'imagestreams.lock/default/python.json',
    ]);
    await git(s.bare, ['fsck', '--strict']);
    // The lock follows the edited declaration, the consumer follows the lock, the removed stream's lock is gone.
    const lock = JSON.parse((await fileAt(s.bare, tip, 'imagestreams.lock/default/python.json'))!);
    const image = lock.status.tags[0].items[0].dockerImageReference as string;
    expect(image).toContain(`/python@sha256:`);
    expect((await fileAt(s.bare, tip, 'Dockerfile'))!.split('\n')[1]).toContain(
      `@${image.split('@')[1]} AS build`,
    );
    expect(await fileAt(s.bare, tip, 'imagestreams.lock/default/old.json')).toBeUndefined();
    // Invariant 1: `other` moved upstream and was edited on main, but the pull request did not touch it.
    expect(await fileAt(s.bare, tip, 'imagestreams.lock/default/other.json')).toBe(mainOther);
    expect((await fileAt(s.bare, tip, 'Dockerfile'))!.split('\n').slice(2).join('\n')).toBe(
      (await fileAt(s.bare, s.headSha, 'Dockerfile'))!.split('\n').slice(2).join('\n'),
    );
    // The plan still runs on the result, and the summary says what was committed.
    expect(outcome.summary.notes!.join('\n')).toMatch(/Lock PR: Committed [0-9a-f]{12} to edit-python/);
    expect(outcome.changed).toBe(true);
    expect(s.pull.comments).toHaveLength(1);
    expect(s.pull.comments[0]!.body).toContain('### imagestreams plan');
    expect(log).not.toContain(TOKEN);
  });

  it('a re-run of the same event, and a run on its own commit, commit nothing', async () => {
    const s = await scenario();
    const first = await runAction(
      s,
      await checkoutAt(s.url, s.headSha),
      prEvent(s, s.pull.number, s.headSha),
    );
    expect(first.outcome.exitCode, first.log).toBe(0);
    const tip = await git(s.bare, ['rev-parse', `refs/heads/${BRANCH}`]);
    const pushed = pushes(s.name);
    // "Re-run jobs": the same event, a fresh checkout of the head it names.
    const rerun = await runAction(
      s,
      await checkoutAt(s.url, s.headSha),
      prEvent(s, s.pull.number, s.headSha),
    );
    expect(rerun.outcome.exitCode, rerun.log).toBe(0);
    expect(rerun.outcome.result.lockPr).toMatchObject({ status: 'already', commit: tip });
    // The synchronize event the push starts (with an App token): the head is our own commit.
    const own = await runAction(s, await checkoutAt(s.url, tip), prEvent(s, s.pull.number, tip));
    expect(own.outcome.exitCode, own.log).toBe(0);
    expect(own.outcome.result.lockPr).toMatchObject({ status: 'ours' });
    expect(pushes(s.name)).toBe(pushed);
    expect(await git(s.bare, ['rev-parse', `refs/heads/${BRANCH}`])).toBe(tip);
    // A human pushes after the lock commit without touching a declaration: the locks already match.
    const human = await checkoutAt(s.url, tip);
    await writeFiles(human, { 'NOTES.md': 'why 3.13\n' });
    await git(human, ['add', 'NOTES.md']);
    await git(human, ['commit', '--quiet', '-m', 'notes']);
    await git(human, ['push', '--quiet', 'origin', `HEAD:refs/heads/${BRANCH}`]);
    const later = await git(human, ['rev-parse', 'HEAD']);
    const after = await runAction(s, await checkoutAt(s.url, later), prEvent(s, s.pull.number, later));
    expect(after.outcome.exitCode, after.log).toBe(0);
    expect(after.outcome.result.lockPr).toMatchObject({ status: 'nothing', changed: ['default/python'] });
    expect(pushes(s.name)).toBe(pushed + 1);
  });

  it('a pull request from a fork is validated only: no token, no push, and the outcome says why', async () => {
    const s = await scenario();
    const dir = await checkoutAt(s.url, s.headSha);
    const before = server.requests.length;
    const { outcome, log } = await runAction(
      s,
      dir,
      prEvent(s, s.pull.number, s.headSha, 'mallory/imagestreams'),
    );
    expect(outcome.exitCode, log).toBe(0);
    expect(outcome.result.lockPr).toMatchObject({ status: 'fork', files: [] });
    expect(outcome.summary.notes!.join('\n')).toContain(
      'Lock PR: Nothing committed: pull request #1 comes from a fork (mallory/imagestreams)',
    );
    expect(outcome.result).toMatchObject({ fork: true, validate: { valid: true } });
    expect(server.requests.slice(before)).toEqual([]);
    expect(s.api.requests).toEqual([]);
    expect(await git(s.bare, ['rev-parse', `refs/heads/${BRANCH}`])).toBe(s.headSha);
  });

  it('a head branch that moved after the event is refused with the fix, and nothing is lost', async () => {
    const s = await scenario();
    const dir = await checkoutAt(s.url, s.headSha);
    // Someone pushes to the pull request after the event was sent.
    const human = await checkoutAt(s.url, s.headSha);
    await writeFiles(human, { 'NOTES.md': 'later\n' });
    await git(human, ['add', 'NOTES.md']);
    await git(human, ['commit', '--quiet', '-m', 'a later push']);
    await git(human, ['push', '--quiet', 'origin', `HEAD:refs/heads/${BRANCH}`]);
    const moved = await git(human, ['rev-parse', 'HEAD']);
    const { outcome, log } = await runAction(s, dir, prEvent(s, s.pull.number, s.headSha));
    expect(outcome.exitCode, log).toBe(1);
    expect(outcome.result.lockPr).toMatchObject({ status: 'failed', error: { code: 'LOCK_PR_HEAD_MOVED' } });
    expect(outcome.failure).toContain(
      `moved since the event this run is for (the event named ${s.headSha.slice(0, 12)}`,
    );
    expect(outcome.failure).toContain('re-run the workflow of the latest push');
    expect(await git(s.bare, ['rev-parse', `refs/heads/${BRANCH}`])).toBe(moved);
  });

  it('a checkout of the merge commit (actions/checkout without ref) is refused with the fix', async () => {
    const s = await scenario();
    const dir = await checkoutAt(s.url, s.baseSha);
    const { outcome } = await runAction(s, dir, prEvent(s, s.pull.number, s.headSha));
    expect(outcome.exitCode).toBe(1);
    expect(outcome.result.lockPr).toMatchObject({ status: 'failed', error: { code: 'LOCK_PR_CHECKOUT' } });
    expect(outcome.failure).toContain(`ref: $\{{ github.event.pull_request.head.sha }}`);
    expect(await git(s.bare, ['rev-parse', `refs/heads/${BRANCH}`])).toBe(s.headSha);
  });

  it('with publish.signCommits the commit is made by GitHub through the Git Data API, as a fast-forward', async () => {
    const s = await scenario({ '.imagestreams.yaml': 'publish:\n  signCommits: true\n' });
    const pushed = pushes(s.name);
    const { outcome, log } = await runAction(
      s,
      await checkoutAt(s.url, s.headSha),
      prEvent(s, s.pull.number, s.headSha),
    );
    expect(outcome.exitCode, log).toBe(0);
    expect(outcome.result.lockPr).toMatchObject({ status: 'pushed', signed: true });
    expect(pushes(s.name)).toBe(pushed);
    const ops = s.api.requests.map((r) => r.operationId);
    expect(ops).toEqual(expect.arrayContaining(['git/create-tree', 'git/create-commit', 'git/update-ref']));
    const tip = await git(s.bare, ['rev-parse', `refs/heads/${BRANCH}`]);
    expect(await git(s.bare, ['rev-parse', `${tip}^`])).toBe(s.headSha);
    expect(await git(s.bare, ['log', '-1', '--format=%ae%n%B', tip])).toContain(`${ACTIONS_BOT.email}\n`);
    expect(await git(s.bare, ['log', '-1', '--format=%B', tip])).toContain(
      `${LOCK_PR_TRAILER}: ${s.headSha}`,
    );
    expect((await git(s.bare, ['diff', '--name-only', s.headSha, tip])).split('\n')).toEqual([
      'Dockerfile',
      'imagestreams.lock/default/old.json',
      'imagestreams.lock/default/python.json',
    ]);
    await git(s.bare, ['fsck', '--strict']);
  });

  it('is refused with commands other than reconcile and plan, and is off by default', () => {
    expect(() => readInputs({ 'INPUT_LOCK-PR': 'true', INPUT_COMMAND: 'validate' })).toThrow(
      'input "lock-pr" works with the reconcile and plan commands, not "validate"',
    );
    expect(readInputs({ INPUT_COMMAND: 'plan' }).lockPr).toBe(false);
    expect(readInputs({ 'INPUT_LOCK-PR': 'true' }).lockPr).toBe(true);
  });
});
