// What a pull request changed, read from git objects (src/git/history.ts) in a real repository made with the git
// CLI: the merge base of base and head, and the paths that differ (added, changed, removed; identical subtrees
// skipped); a commit missing from a shallow checkout is an error that names the fix.
import * as fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changedPaths, mergeBase, readCommitInfo } from '../../src/git/history.js';
import { openRepo } from '../../src/git/repo.js';
import { matchesDeclarations } from '../../src/loader/declared-path.js';
import {
  isLockPrCommit,
  LOCK_PR_TRAILER,
  lockPrBase,
  renderLockPrMessage,
} from '../../src/render/lock-pr.js';
import { git, writeFiles } from '../helpers/git-server.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('changedPaths and mergeBase', () => {
  it('name the files a branch changed since it left its base, not the files the base changed since', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imagestreams-history-'));
    dirs.push(dir);
    await git(dir, ['init', '--quiet', '--initial-branch=main']);
    await writeFiles(dir, {
      'imagestreams/a.yaml': 'a\n',
      'imagestreams/deep/b.yaml': 'b\n',
      'deploy/web.yaml': 'w\n',
      'README.md': 'r\n',
    });
    await git(dir, ['add', '-A']);
    await git(dir, ['commit', '--quiet', '-m', 'one']);
    const fork = await git(dir, ['rev-parse', 'HEAD']);
    await git(dir, ['checkout', '--quiet', '-b', 'pr']);
    await writeFiles(dir, { 'imagestreams/a.yaml': 'a2\n', 'imagestreams/new.yaml': 'n\n' });
    await git(dir, ['rm', '--quiet', 'imagestreams/deep/b.yaml']);
    await git(dir, ['add', '-A']);
    await git(dir, ['commit', '--quiet', '-m', 'pr']);
    const head = await git(dir, ['rev-parse', 'HEAD']);
    await git(dir, ['checkout', '--quiet', 'main']);
    await writeFiles(dir, { 'deploy/web.yaml': 'w2\n' });
    await git(dir, ['commit', '--quiet', '-am', 'main moves']);
    const base = await git(dir, ['rev-parse', 'HEAD']);

    const repo = await openRepo({ fs, dir });
    expect(await mergeBase(repo, base, head)).toBe(fork);
    expect(await changedPaths(repo, fork, head)).toEqual([
      'imagestreams/a.yaml',
      'imagestreams/deep/b.yaml',
      'imagestreams/new.yaml',
    ]);
    expect(await changedPaths(repo, head, head)).toEqual([]);
    await expect(readCommitInfo(repo, 'f'.repeat(40), 'the base')).rejects.toMatchObject({
      code: 'LOCK_PR_CHECKOUT',
      message: expect.stringContaining('fetch-depth: 0'),
    });
  });
});

describe('matchesDeclarations', () => {
  it('decides from the path alone what discovery would load: folders at any depth, files, globs', () => {
    const folder = ['imagestreams'];
    expect(matchesDeclarations('imagestreams/a.yaml', folder)).toBe(true);
    expect(matchesDeclarations('imagestreams/x/y/b.JSON', folder)).toBe(true);
    expect(matchesDeclarations('imagestreams/notes.md', folder)).toBe(false);
    expect(matchesDeclarations('imagestreams.lock/default/a.json', folder)).toBe(false);
    expect(matchesDeclarations('imagestreams/node_modules/a.yaml', folder)).toBe(false);
    expect(matchesDeclarations('streams.yaml', ['./streams.yaml'])).toBe(true);
    expect(matchesDeclarations('deploy/is/a.yml', ['deploy/**/a.yml'])).toBe(true);
    expect(matchesDeclarations('deploy/is/b.yml', ['deploy/**/a.yml'])).toBe(false);
  });
});

describe('the lock commit message', () => {
  it('ends with the trailer naming the head it was built on, which is how a later run recognises it', () => {
    const text = renderLockPrMessage({
      changes: [],
      consumers: [],
      removed: ['default/old'],
      head: 'a'.repeat(40),
    });
    expect(text).toBe(
      `Remove the lock of default/old\n\nLocks removed with their declarations:\n- default/old\n\n${LOCK_PR_TRAILER}: ${'a'.repeat(40)}\n`,
    );
    expect(lockPrBase(text)).toBe('a'.repeat(40));
    expect(isLockPrCommit(text)).toBe(true);
    expect(isLockPrCommit(`Bump\n\n${LOCK_PR_TRAILER}: x\n\nSigned-off-by: h <h@x>\n`)).toBe(false);
    expect(isLockPrCommit('a human commit\n')).toBe(false);
  });
});
