import * as fs from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'isomorphic-git/http/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitFiles } from '../../src/git/commit.js';
import { pushRef } from '../../src/git/push.js';
import { ensureCommit, listRemoteBranches, writeRemoteHead } from '../../src/git/remote.js';
import { openRepo } from '../../src/git/repo.js';
import { hasCode } from '../../src/model/errors.js';
import {
  actionsCheckout,
  createBareRepo,
  type GitServer,
  git,
  startGitServer,
} from '../helpers/git-server.js';

const TOKEN = 'ghs_testtoken_0123456789abcdef';
const BOT = { name: 'imagestreams[bot]', email: 'bot@imagestreams.dev', timestamp: 1_700_000_000 };

let server: GitServer;
let work: string;
let n = 0;

beforeAll(async () => {
  server = await startGitServer({ token: TOKEN });
  work = await mkdtemp(join(tmpdir(), 'imagestreams-work-'));
});
afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

async function setup(files: Record<string, string> = {}) {
  const name = `repo${++n}`;
  const bare = await createBareRepo(server.root, name, {
    'imagestreams/python.yaml': 'kind: ImageStream\n',
    'imagestreams/python.lock.yaml': 'digest: sha256:old\n',
    'deploy/web.yaml': 'image: python@sha256:old\n',
    'README.md': 'hello\n',
    ...files,
  });
  const dir = join(work, name);
  const url = `${server.url}/${name}.git`;
  await actionsCheckout(url, dir, { token: TOKEN });
  return { bare, dir, url, access: { url, token: TOKEN, http } };
}

/** Someone else changes README.md and pushes it to `branch` (made from main when new); returns its tip. */
async function pushElsewhere(bare: string, branch: string, message: string): Promise<string> {
  const other = join(work, `other${n}`);
  await git(work, ['clone', '--quiet', bare, other]);
  await writeFile(join(other, 'README.md'), `${message}\n`);
  if (branch !== 'main') await git(other, ['checkout', '--quiet', '-b', branch]);
  await git(other, ['commit', '--quiet', '-am', message]);
  await git(other, ['push', '--quiet', 'origin', branch]);
  return git(bare, ['rev-parse', branch]);
}

describe('commit and push on the checked-out branch', () => {
  it('commits only the written files, pushes them, and the server has a valid repository', async () => {
    const { bare, dir, access } = await setup();
    await writeFile(join(dir, 'imagestreams/python.lock.yaml'), 'digest: sha256:new\n');
    await writeFile(join(dir, 'deploy/web.yaml'), 'image: python@sha256:new\n');
    await writeFile(join(dir, 'untracked.txt'), 'not mine\n');
    const repo = await openRepo({ fs, dir });
    expect(repo.branch).toBe('main');
    expect(repo.shallow).toBe(true);
    const c = await commitFiles({
      repo,
      files: ['imagestreams/python.lock.yaml', 'deploy/web.yaml'],
      message: 'Bump python\n\nImagestreams-Group: default/python',
      author: BOT,
      parent: repo.head,
      ref: 'refs/heads/main',
      updateIndex: true,
    });
    expect(c.changed).toBe(true);
    const pushed = await pushRef({
      repo,
      access,
      localRef: 'refs/heads/main',
      branch: 'main',
      expected: repo.head,
    });
    expect(pushed.oid).toBe(c.oid);
    expect(await git(bare, ['rev-parse', 'main'])).toBe(c.oid);
    expect(await git(bare, ['show', 'main:imagestreams/python.lock.yaml'])).toBe('digest: sha256:new');
    expect(await git(bare, ['show', 'main:README.md'])).toBe('hello');
    expect(await git(bare, ['ls-tree', '-r', '--name-only', 'main'])).not.toContain('untracked.txt');
    expect(await git(bare, ['log', '-1', '--format=%an <%ae>%n%B', 'main'])).toContain(
      'imagestreams[bot] <bot@imagestreams.dev>',
    );
    await git(bare, ['fsck', '--strict']);
    // The index was updated: the checkout shows only the untracked file.
    expect(await git(dir, ['status', '--porcelain'])).toBe('?? untracked.txt');
  });

  it('makes no commit when the files equal the parent', async () => {
    const { dir } = await setup();
    const repo = await openRepo({ fs, dir });
    const c = await commitFiles({
      repo,
      files: ['imagestreams/python.lock.yaml'],
      message: 'x',
      author: BOT,
      parent: repo.head,
    });
    expect(c).toMatchObject({ changed: false, oid: repo.head });
  });

  it('deletes a file missing from the work tree and keeps the executable bit of new files', async () => {
    const { bare, dir, access } = await setup();
    await rm(join(dir, 'deploy/web.yaml'));
    await writeFile(join(dir, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    const repo = await openRepo({ fs, dir });
    const c = await commitFiles({
      repo,
      files: ['deploy/web.yaml', 'run.sh'],
      message: 'x',
      author: BOT,
      parent: repo.head,
      ref: 'refs/heads/main',
    });
    await pushRef({ repo, access, localRef: 'refs/heads/main', branch: 'main', expected: repo.head });
    expect(await git(bare, ['rev-parse', 'main'])).toBe(c.oid);
    const tree = await git(bare, ['ls-tree', '-r', 'main']);
    expect(tree).not.toContain('deploy/web.yaml');
    expect(tree).toMatch(/100755 blob \w+\trun\.sh/);
    await git(bare, ['fsck', '--strict']);
  });

  it('refuses a push when the remote branch moved since it was read (lease)', async () => {
    const { bare, dir, access } = await setup();
    const repo = await openRepo({ fs, dir });
    // Someone else pushes to main meanwhile.
    const moved = await pushElsewhere(bare, 'main', 'human change');

    await writeFile(join(dir, 'imagestreams/python.lock.yaml'), 'digest: sha256:new\n');
    await commitFiles({
      repo,
      files: ['imagestreams/python.lock.yaml'],
      message: 'x',
      author: BOT,
      parent: repo.head,
      ref: 'refs/heads/main',
    });
    const err = await pushRef({
      repo,
      access,
      localRef: 'refs/heads/main',
      branch: 'main',
      expected: repo.head,
    }).catch((e) => e);
    expect(hasCode(err, 'GIT_LEASE_FAILED')).toBe(true);
    expect(err.permanent).toBe(false);
    expect(await git(bare, ['rev-parse', 'main'])).toBe(moved);
  });

  it('ensureCommit reads a local commit without the network and fetches a remote tip it lacks', async () => {
    const { bare, dir, access } = await setup();
    const repo = await openRepo({ fs, dir });
    const tip = await pushElsewhere(bare, 'side', 'side change');
    const offline = { ...access, url: 'http://127.0.0.1:9/none.git' };

    expect((await ensureCommit(repo, offline, repo.head!, 'main')).oid).toBe(repo.head);
    await expect(ensureCommit(repo, offline, tip, 'side')).rejects.toThrow();
    const fetched = await ensureCommit(repo, access, tip, 'side');
    expect(fetched.oid).toBe(tip);
    expect(fetched.commit.message.trim()).toBe('side change');
  });

  it('a new branch pushes a few hundred bytes once origin/HEAD is written', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`data/f${i}.txt`] = `file ${i} ${'x'.repeat(200)}\n`;
    const { bare, dir, access } = await setup(files);
    const repo = await openRepo({ fs, dir });
    await writeFile(join(dir, 'imagestreams/python.lock.yaml'), 'digest: sha256:new\n');
    const c = await commitFiles({
      repo,
      files: ['imagestreams/python.lock.yaml'],
      message: 'x',
      author: BOT,
      parent: repo.head,
      ref: 'refs/imagestreams/a',
    });
    const without = await pushRef({
      repo,
      access,
      localRef: 'refs/imagestreams/a',
      branch: 'a',
      expected: null,
    });
    expect(await writeRemoteHead(repo, 'main')).toBe(true);
    expect(await writeRemoteHead(repo, 'main')).toBe(false);
    await git(dir, ['update-ref', 'refs/imagestreams/b', c.oid!]);
    const withHead = await pushRef({
      repo,
      access,
      localRef: 'refs/imagestreams/b',
      branch: 'b',
      expected: null,
    });
    expect(without.uploadedBytes).toBeGreaterThan(20 * withHead.uploadedBytes);
    expect(withHead.uploadedBytes).toBeLessThan(2000);
    expect(await git(bare, ['rev-parse', 'b'])).toBe(c.oid);
    await git(bare, ['fsck', '--strict']);
    const { branches } = await listRemoteBranches(access);
    expect([...branches.keys()].sort()).toEqual(['a', 'b', 'main']);
  });

  it('deletes a remote branch under a lease', async () => {
    const { bare, dir, access } = await setup();
    await git(bare, ['branch', 'gone', 'main']);
    const tip = await git(bare, ['rev-parse', 'gone']);
    const repo = await openRepo({ fs, dir });
    await pushRef({ repo, access, localRef: '', branch: 'gone', expected: tip, delete: true });
    expect(await git(bare, ['branch', '--list', 'gone'])).toBe('');
  });

  it('a wrong token fails with a clear error that does not contain the token', async () => {
    const { dir, url } = await setup();
    const repo = await openRepo({ fs, dir });
    const bad = 'ghs_wrongtoken_zzzzzzzzzzzz';
    const err = await pushRef({
      repo,
      access: { url, token: bad, http },
      localRef: 'refs/heads/main',
      branch: 'main',
    }).catch((e) => e);
    expect(err.code, String(err)).toBe('GIT_AUTH_FAILED');
    expect(JSON.stringify({ m: err.message, d: err.data, c: String(err.cause) })).not.toContain(bad);
    const none = await pushRef({
      repo,
      access: { url, http },
      localRef: 'refs/heads/main',
      branch: 'main',
    }).catch((e) => e);
    expect(hasCode(none, 'GIT_NO_CREDENTIALS')).toBe(true);
  });
});

describe('openRepo', () => {
  it('explains how to fix an index v4 checkout', async () => {
    const { dir } = await setup();
    await git(dir, ['update-index', '--index-version', '4']);
    const err = await openRepo({ fs, dir }).catch((e) => e);
    expect(hasCode(err, 'GIT_UNSUPPORTED_INDEX')).toBe(true);
    expect(err.message).toContain('git update-index --index-version 2');
  });

  it('reports a detached HEAD and a missing repository', async () => {
    const { dir } = await setup();
    await git(dir, ['checkout', '--quiet', '--detach']);
    const repo = await openRepo({ fs, dir });
    expect(repo.branch).toBeNull();
    expect(repo.head).toMatch(/^[0-9a-f]{40}$/);
    const err = await openRepo({ fs, dir: work }).catch((e) => e);
    expect(hasCode(err, 'GIT_NOT_A_REPOSITORY')).toBe(true);
    // The advice names only what exists: there is no --dir option.
    expect(err.message).not.toContain('--dir');
    expect(err.message).toContain('run imagestreams inside a clone');
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toBe('hello\n');
  });
});
