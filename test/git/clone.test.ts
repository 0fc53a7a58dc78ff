import * as fs from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'isomorphic-git/http/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cloneRepo } from '../../src/git/clone.js';
import { commitFiles } from '../../src/git/commit.js';
import { pushRef } from '../../src/git/push.js';
import { readRemoteBranchFiles } from '../../src/git/read-branch.js';
import { checkRemoteUrl } from '../../src/git/remote.js';
import { createBareRepo, type GitServer, git, startGitServer } from '../helpers/git-server.js';

const TOKEN = 'daemon-token-abcdef123456';
let server: GitServer;
let work: string;

beforeAll(async () => {
  server = await startGitServer({ token: TOKEN });
  work = await mkdtemp(join(tmpdir(), 'imagestreams-clone-'));
});
afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

it('clones shallowly, writes origin/HEAD, pushes a small new branch, and refreshes on the next run', async () => {
  const files: Record<string, string> = { 'lock.yaml': 'a\n' };
  for (let i = 0; i < 200; i++) files[`f/${i}.txt`] = `${i} ${'y'.repeat(300)}\n`;
  const bare = await createBareRepo(server.root, 'd', files);
  const access = { url: `${server.url}/d.git`, token: TOKEN, http };
  const dir = join(work, 'clone');
  const repo = await cloneRepo({ fs, dir, access });
  expect(repo).toMatchObject({ branch: 'main', shallow: true });
  expect(await git(dir, ['symbolic-ref', 'refs/remotes/origin/HEAD'])).toBe('refs/remotes/origin/main');

  await writeFile(join(dir, 'lock.yaml'), 'b\n');
  const c = await commitFiles({
    repo,
    files: ['lock.yaml'],
    message: 'x',
    author: { name: 'bot', email: 'bot@x' },
    parent: repo.head,
    ref: 'refs/imagestreams/x',
  });
  const p = await pushRef({ repo, access, localRef: 'refs/imagestreams/x', branch: 'x', expected: null });
  expect(p.uploadedBytes).toBeLessThan(2000);
  expect(await git(bare, ['rev-parse', 'x'])).toBe(c.oid);

  // Someone updates main; the next run fetches and resets the daemon's clone.
  await git(bare, ['update-ref', 'refs/heads/main', c.oid!]);
  const again = await cloneRepo({ fs, dir, access });
  expect(again.head).toBe(c.oid);
  expect(await readFile(join(dir, 'lock.yaml'), 'utf8')).toBe('b\n');
});

it('a wrong token is a clear clone error', async () => {
  await createBareRepo(server.root, 'e', { a: 'a\n' });
  const err = await cloneRepo({
    fs,
    dir: join(work, 'bad'),
    access: { url: `${server.url}/e.git`, token: 'nope-nope', http },
  }).catch((e) => e);
  expect(err.code).toBe('GIT_AUTH_FAILED');
});

it('reads files as they are on a remote branch', async () => {
  const bare = await createBareRepo(server.root, 'r', { 'lock.yaml': 'main\n' });
  const access = { url: `${server.url}/r.git`, token: TOKEN, http };
  const scratch = join(work, 'r-scratch');
  await git(work, ['clone', '--quiet', bare, scratch]);
  await git(scratch, ['checkout', '--quiet', '-b', 'imagestreams/x']);
  await writeFile(join(scratch, 'lock.yaml'), 'branch\n');
  await git(scratch, ['commit', '--quiet', '-am', 'b']);
  await git(scratch, ['push', '--quiet', 'origin', 'imagestreams/x']);
  const repo = await cloneRepo({ fs, dir: join(work, 'r-clone'), access });
  const files = await readRemoteBranchFiles(repo, access, 'imagestreams/x', ['lock.yaml', 'missing.yaml']);
  expect(files).toEqual(
    new Map([
      ['lock.yaml', 'branch\n'],
      ['missing.yaml', undefined],
    ]),
  );
  expect(await readRemoteBranchFiles(repo, access, 'nope', ['lock.yaml'])).toBeNull();
});

it('a token embedded in the clone URL is used for the clone but never written to .git/config', async () => {
  await createBareRepo(server.root, 'tok', { a: 'a\n' });
  const url = new URL(`${server.url}/tok.git`);
  url.username = 'x-access-token';
  url.password = TOKEN;
  const checked = checkRemoteUrl(url.toString());
  if ('error' in checked) throw new Error(checked.error);
  expect(checked).toEqual({ url: `${server.url}/tok.git`, token: TOKEN });
  const dir = join(work, 'tok');
  await cloneRepo({ fs, dir, access: { url: checked.url, token: checked.token!, http } });
  const config = await readFile(join(dir, '.git', 'config'), 'utf8');
  expect(config).toContain(`${server.url}/tok.git`);
  expect(config).not.toContain(TOKEN);
  // A clone an earlier version made from a URL with credentials is corrected on the next sync.
  await git(dir, ['config', 'remote.origin.url', url.toString()]);
  expect(await readFile(join(dir, '.git', 'config'), 'utf8')).toContain(TOKEN);
  await cloneRepo({ fs, dir, access: { url: checked.url, token: TOKEN, http } });
  expect(await readFile(join(dir, '.git', 'config'), 'utf8')).not.toContain(TOKEN);
});

it('plain-HTTP remotes are refused unless loopback; other schemes and non-URLs are refused with the fix', () => {
  expect(checkRemoteUrl('http://git.example.com/a/b.git')).toMatchObject({
    error: expect.stringMatching(/plain HTTP.*Use https:\/\//),
  });
  expect(checkRemoteUrl('http://169.254.169.254/a.git')).toHaveProperty('error');
  expect(checkRemoteUrl('http://127.0.0.1:8080/a.git')).toEqual({ url: 'http://127.0.0.1:8080/a.git' });
  expect(checkRemoteUrl('http://[::1]:80/a.git')).toEqual({ url: 'http://[::1]/a.git' });
  expect(checkRemoteUrl('http://localhost/a.git')).toEqual({ url: 'http://localhost/a.git' });
  expect(checkRemoteUrl('https://tok@github.com/a/b.git')).toEqual({
    url: 'https://github.com/a/b.git',
    token: 'tok',
  });
  expect(checkRemoteUrl('ssh://git@github.com/a/b.git')).toHaveProperty('error');
  expect(checkRemoteUrl('not a url')).toHaveProperty('error');
});
