// Opens an existing checkout for isomorphic-git and refuses, with a fix, what isomorphic-git cannot handle.

import { join, resolve } from 'node:path';
import git, { type PromiseFsClient } from 'isomorphic-git';
import { ImagestreamsError } from '../model/errors.js';

/** The file system isomorphic-git and this layer use (Node's `fs` module fits). */
export type GitFs = PromiseFsClient;

/** A checked, opened repository: where it lives and what HEAD is. */
export interface GitRepo {
  fs: GitFs;
  dir: string;
  gitdir: string;
  /** Current branch short name, or null when HEAD is detached (pull_request checkouts). */
  branch: string | null;
  /** Commit HEAD points at (null in an empty repository). */
  head: string | null;
  /** URL of the remote (default `origin`), when configured. */
  remoteUrl?: string;
  /** True for shallow clones (actions/checkout's default depth 1). */
  shallow: boolean;
}

/** Index versions isomorphic-git can read. */
const SUPPORTED_INDEX_VERSIONS = new Set([2, 3]);

/** Opens `dir` as a git work tree, checking index version, object format and worktree layout first. */
export async function openRepo(opts: { fs: GitFs; dir: string; remote?: string }): Promise<GitRepo> {
  const { fs } = opts;
  const dir = resolve(opts.dir);
  const gitdir = await findGitdir(fs, dir);

  const config = await readText(fs, join(gitdir, 'config'));
  if (config !== null && /^\s*objectformat\s*=\s*sha256\s*$/im.test(config)) {
    throw new ImagestreamsError(
      'GIT_UNSUPPORTED_REPOSITORY',
      `${dir} is a SHA-256 repository (extensions.objectFormat=sha256); isomorphic-git reads SHA-1 repositories only. ` +
        'Use a SHA-1 clone or the publish mode "none".',
      { data: { dir } },
    );
  }

  const index = await readBytes(fs, join(gitdir, 'index'));
  if (index !== null && index.length >= 8) {
    const signature = Buffer.from(index.subarray(0, 4)).toString('latin1');
    const version = Buffer.from(index.subarray(4, 8)).readUInt32BE(0);
    if (signature !== 'DIRC' || !SUPPORTED_INDEX_VERSIONS.has(version)) {
      throw new ImagestreamsError(
        'GIT_UNSUPPORTED_INDEX',
        `${join(gitdir, 'index')} uses index version ${version}, which isomorphic-git cannot read ` +
          '(index.version=4 or feature.manyFiles=true writes it). Fix: run ' +
          '`git config --local index.version 2 && git config --local feature.manyFiles false && ' +
          'git update-index --index-version 2` in the checkout before imagestreams runs.',
        { data: { dir, version } },
      );
    }
  }

  const branch = (await git.currentBranch({ fs, dir, gitdir, fullname: false })) ?? null;
  let head: string | null = null;
  try {
    head = await git.resolveRef({ fs, dir, gitdir, ref: 'HEAD' });
  } catch {
    head = null;
  }
  const remoteUrl = (await git.getConfig({
    fs,
    dir,
    gitdir,
    path: `remote.${opts.remote ?? 'origin'}.url`,
  })) as string | undefined;
  const shallow = (await readText(fs, join(gitdir, 'shallow'))) !== null;
  return { fs, dir, gitdir, branch, head, ...(remoteUrl ? { remoteUrl } : {}), shallow };
}

async function findGitdir(fs: GitFs, dir: string): Promise<string> {
  const dotgit = join(dir, '.git');
  let stat: { isDirectory(): boolean; isFile(): boolean };
  try {
    stat = await fs.promises.stat(dotgit);
  } catch (cause) {
    throw new ImagestreamsError(
      'GIT_NOT_A_REPOSITORY',
      `${dir} is not a git work tree (no .git). Run actions/checkout first (in the Action, working-directory must be inside it), or run imagestreams inside a clone.`,
      { data: { dir }, cause },
    );
  }
  if (stat.isDirectory()) return dotgit;
  // A `.git` file: a submodule or a linked worktree.
  const text = (await readText(fs, dotgit)) ?? '';
  const m = /^gitdir:\s*(.+)$/m.exec(text);
  if (!m?.[1]) {
    throw new ImagestreamsError(
      'GIT_NOT_A_REPOSITORY',
      `${dotgit} is neither a directory nor a gitdir file.`,
      {
        data: { dir },
      },
    );
  }
  const gitdir = resolve(dir, m[1].trim());
  if ((await readText(fs, join(gitdir, 'commondir'))) !== null) {
    throw new ImagestreamsError(
      'GIT_UNSUPPORTED_REPOSITORY',
      `${dir} is a linked worktree (git worktree add), which isomorphic-git cannot use. ` +
        'Run imagestreams in the main work tree or in a plain clone.',
      { data: { dir } },
    );
  }
  return gitdir;
}

async function readBytes(fs: GitFs, path: string): Promise<Uint8Array | null> {
  try {
    return (await fs.promises.readFile(path)) as Uint8Array;
  } catch {
    return null;
  }
}

async function readText(fs: GitFs, path: string): Promise<string | null> {
  const b = await readBytes(fs, path);
  return b === null ? null : Buffer.from(b).toString('utf8');
}
