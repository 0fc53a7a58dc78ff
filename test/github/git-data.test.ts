// The Git Data API client (signed commits) against the OpenAPI-validated fake backed by a real bare repository:
// the commit GitHub would make, and the lease that stands in for the compare-and-swap the API does not have.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHub } from '../../src/github/client.js';
import { createSignedCommit, isAncestor, moveBranch, readBranch } from '../../src/github/git-data.js';
import { ImagestreamsError } from '../../src/model/errors.js';
import { createBareRepo, git } from '../helpers/git-server.js';
import { ACTIONS_BOT, type GitHubApi, startGitHubApi } from '../helpers/github-api.js';

const TOKEN = 'ghs_gitdata_0123456789abcdef';
const T = { owner: 'acme', repo: 'data' };
let root: string;
let bare: string;
let api: GitHubApi;
let gh: ReturnType<typeof createGitHub>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'imagestreams-gitdata-'));
  bare = await createBareRepo(root, 'data', { 'a.txt': 'a\n', 'dir/b.txt': 'b\n', 'dir/c.txt': 'c\n' });
  api = await startGitHubApi({ ...T, token: TOKEN, bareRepo: bare });
  gh = createGitHub({ token: TOKEN, baseUrl: api.url, retries: 0, throttle: false });
});
afterAll(async () => {
  await api?.close();
  await rm(root, { recursive: true, force: true });
});

const bareGit = (...args: string[]) => git(bare, args);

async function leaseError(p: Promise<unknown>): Promise<ImagestreamsError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ImagestreamsError);
  return e as ImagestreamsError;
}

describe('Git Data API commits', () => {
  it('makes a commit on the base tree with changed, added and deleted files, authored by the token', async () => {
    const main = await bareGit('rev-parse', 'main');
    const made = await createSignedCommit(gh, T, {
      baseTree: await bareGit('rev-parse', 'main^{tree}'),
      parent: main,
      message: 'update\n\nImagestreams-Group: g\n',
      changes: [
        { path: 'dir/b.txt', content: Buffer.from('B\n'), mode: '100644' },
        { path: 'new/x.sh', content: Buffer.from('#!/bin/sh\n'), mode: '100755' },
        { path: 'dir/c.txt', content: null, mode: '100644' },
      ],
    });
    expect(await bareGit('rev-parse', `${made.commit}^{tree}`)).toBe(made.tree);
    expect(await bareGit('rev-parse', `${made.commit}^@`)).toBe(main);
    expect(await bareGit('ls-tree', '-r', '--format=%(objectmode) %(path)', made.commit)).toBe(
      '100644 a.txt\n100644 dir/b.txt\n100755 new/x.sh',
    );
    expect(await bareGit('show', `${made.commit}:dir/b.txt`)).toBe('B');
    expect((await bareGit('log', '-1', '--format=%ae|%B', made.commit)).trimEnd()).toBe(
      `${ACTIONS_BOT.email}|update\n\nImagestreams-Group: g`,
    );
    const sent = api.requests.find((r) => r.operationId === 'git/create-commit')!.body as object;
    expect(Object.keys(sent).sort()).toEqual(['message', 'parents', 'tree']);

    // New branch, then a forced move; both leased on what was read.
    await moveBranch(gh, T, { branch: 'topic', sha: made.commit, expected: null });
    expect(await readBranch(gh, T, 'topic')).toBe(made.commit);
    await moveBranch(gh, T, { branch: 'topic', sha: main, expected: made.commit });
    expect(await bareGit('rev-parse', 'topic')).toBe(main);
    expect(await isAncestor(gh, T, main, made.commit)).toBe(true);
    expect(await isAncestor(gh, T, made.commit, main)).toBe(false);
    await bareGit('fsck', '--strict');
    expect(api.violations).toEqual([]);
  });

  it('does not move a branch that is not where this run saw it, nor create one that appeared', async () => {
    const main = await bareGit('rev-parse', 'main');
    const other = await git(bare, ['commit-tree', `${main}^{tree}`, '-p', main, '-m', 'someone else']);
    await bareGit('update-ref', 'refs/heads/moved', other);
    const moved = await leaseError(moveBranch(gh, T, { branch: 'moved', sha: main, expected: main }));
    expect(moved.code).toBe('GIT_LEASE_FAILED');
    expect(moved.permanent).toBe(false);
    expect(await bareGit('rev-parse', 'moved')).toBe(other);

    // The branch appears between the lease read and the create: GitHub's 422 is the same lease failure.
    api.before('git/create-ref', async () => {
      await bareGit('update-ref', 'refs/heads/raced', other);
    });
    const raced = await leaseError(moveBranch(gh, T, { branch: 'raced', sha: main, expected: null }));
    expect(raced.code).toBe('GIT_LEASE_FAILED');
    expect(await bareGit('rev-parse', 'raced')).toBe(other);
    expect(api.requests.filter((r) => r.operationId === 'git/update-ref').map((r) => r.path)).not.toContain(
      '/repos/acme/data/git/refs/heads/moved',
    );
    expect(api.violations).toEqual([]);
  });
});
