// Builds a commit from a parent plus the few files the reconciler wrote, without walking the work tree.
// The tree is edited in place (only the directories on the changed paths are rewritten), so a 5,000-file
// repository costs what a two-file change costs; the index is touched only when asked (commit mode).

import { join } from 'node:path';
import git, { type TreeEntry } from 'isomorphic-git';
import { ImagestreamsError } from '../model/errors.js';
import type { GitFs, GitRepo } from './repo.js';

/** Who a commit is by; timestamp (seconds) is injectable for reproducible commits. */
export interface GitIdentity {
  name: string;
  email: string;
  timestamp?: number;
  timezoneOffset?: number;
}

/** New content for a repository-relative path; null deletes it. */
export type FileContent = Uint8Array | null;

export interface CommitFilesOptions {
  repo: GitRepo;
  /** Repository-relative paths, read from the work tree (missing files are deleted from the tree). */
  files: string[];
  message: string;
  author: GitIdentity;
  committer?: GitIdentity;
  /** Commit to build on (null: a root commit). */
  parent: string | null;
  /** Full ref to point at the new commit (force), e.g. `refs/heads/main`; omitted: no ref is written. */
  ref?: string;
  /** Stage the files in the index too (commit mode on the checked-out branch). */
  updateIndex?: boolean;
}

/** What commitFiles produced; `changed` is false when the files already match the parent's tree. */
export interface CommitResult {
  changed: boolean;
  /** The new commit, or the parent when nothing changed. */
  oid: string | null;
  tree: string;
  parentTree: string | null;
}

/** Commits the work-tree content of `files` on top of `parent`; no commit when the tree would not change. */
export async function commitFiles(opts: CommitFilesOptions): Promise<CommitResult> {
  const { repo } = opts;
  const contents = await readWorkFiles(repo, opts.files);
  const parentTree = opts.parent ? await treeOf(repo, opts.parent) : null;
  const tree = await buildTree({ fs: repo.fs, gitdir: repo.gitdir, base: parentTree, files: contents, repo });
  if (tree === parentTree) return { changed: false, oid: opts.parent, tree, parentTree };
  const oid = await git.writeCommit({
    fs: repo.fs,
    gitdir: repo.gitdir,
    commit: {
      message: opts.message.endsWith('\n') ? opts.message : `${opts.message}\n`,
      tree,
      parent: opts.parent ? [opts.parent] : [],
      author: identity(opts.author),
      committer: identity(opts.committer ?? opts.author),
    },
  });
  if (opts.ref)
    await git.writeRef({ fs: repo.fs, gitdir: repo.gitdir, ref: opts.ref, value: oid, force: true });
  if (opts.updateIndex) {
    for (const [path, content] of contents) {
      if (content === null)
        await git.remove({ fs: repo.fs, dir: repo.dir, gitdir: repo.gitdir, filepath: path });
      else await git.add({ fs: repo.fs, dir: repo.dir, gitdir: repo.gitdir, filepath: path });
    }
  }
  return { changed: true, oid, tree, parentTree };
}

/** The tree oid of a commit. */
export async function treeOf(repo: GitRepo, commit: string): Promise<string> {
  const { commit: c } = await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid: commit });
  return c.tree;
}

/** Reads repository-relative files from the work tree (null for a missing file), refusing paths outside it. */
export async function readWorkFiles(repo: GitRepo, files: string[]): Promise<Map<string, FileContent>> {
  const out = new Map<string, FileContent>();
  for (const raw of [...new Set(files)].sort()) {
    const path = raw.replace(/\\/g, '/').replace(/^\.\//, '');
    if (path === '' || path.startsWith('/') || path.split('/').some((s) => s === '..' || s === '.git')) {
      throw new ImagestreamsError(
        'GIT_BAD_PATH',
        `Refusing to commit "${raw}": not a path inside the repository.`,
        {
          data: { path: raw },
        },
      );
    }
    try {
      out.set(path, (await repo.fs.promises.readFile(join(repo.dir, path))) as Uint8Array);
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') out.set(path, null);
      else throw e;
    }
  }
  return out;
}

interface BuildTreeOptions {
  fs: GitFs;
  gitdir: string;
  /** Tree to start from (null: empty). */
  base: string | null;
  files: Map<string, FileContent>;
  /** When given, executable bits are taken from the work tree for new files. */
  repo?: GitRepo;
}

/** Writes the tree `base` + `files` and returns its oid (the same oid as `base` when nothing differs). */
export async function buildTree(opts: BuildTreeOptions): Promise<string> {
  const oid = await editTree(opts, opts.base, [...opts.files.entries()], '');
  return oid ?? (await git.writeTree({ fs: opts.fs, gitdir: opts.gitdir, tree: [] }));
}

async function editTree(
  opts: BuildTreeOptions,
  treeOid: string | null,
  changes: Array<[string, FileContent]>,
  prefix: string,
): Promise<string | null> {
  const entries = new Map<string, TreeEntry>();
  if (treeOid) {
    const { tree } = await git.readTree({ fs: opts.fs, gitdir: opts.gitdir, oid: treeOid });
    for (const e of tree) entries.set(e.path, e);
  }
  const subdirs = new Map<string, Array<[string, FileContent]>>();
  let dirty = false;
  for (const [path, content] of changes) {
    const slash = path.indexOf('/');
    if (slash >= 0) {
      const head = path.slice(0, slash);
      const list = subdirs.get(head) ?? [];
      list.push([path.slice(slash + 1), content]);
      subdirs.set(head, list);
      continue;
    }
    const existing = entries.get(path);
    if (content === null) {
      if (existing && existing.type !== 'tree') {
        entries.delete(path);
        dirty = true;
      }
      continue;
    }
    const blob = await git.writeBlob({ fs: opts.fs, gitdir: opts.gitdir, blob: content });
    const mode =
      existing && existing.type === 'blob' ? existing.mode : await workMode(opts.repo, `${prefix}${path}`);
    if (!existing || existing.oid !== blob || existing.mode !== mode) {
      entries.set(path, { mode, path, oid: blob, type: 'blob' });
      dirty = true;
    }
  }
  for (const [name, list] of subdirs) {
    const existing = entries.get(name);
    const sub = existing?.type === 'tree' ? existing.oid : null;
    const next = await editTree(opts, sub, list, `${prefix}${name}/`);
    if (next === sub) continue;
    dirty = true;
    if (next === null) entries.delete(name);
    else entries.set(name, { mode: '040000', path: name, oid: next, type: 'tree' });
  }
  if (!dirty) return treeOid;
  if (entries.size === 0) return null;
  return git.writeTree({ fs: opts.fs, gitdir: opts.gitdir, tree: [...entries.values()] });
}

async function workMode(repo: GitRepo | undefined, path: string): Promise<string> {
  if (!repo) return '100644';
  try {
    const st = (await repo.fs.promises.stat(join(repo.dir, path))) as { mode: number };
    return st.mode & 0o111 ? '100755' : '100644';
  } catch {
    return '100644';
  }
}

/** Writes a commit of `tree` on `parent` and points `ref` at it (forced); returns the commit's oid. */
export async function commitTree(o: {
  repo: GitRepo;
  tree: string;
  parent: string;
  ref: string;
  message: string;
  author: GitIdentity;
  committer: GitIdentity;
}): Promise<string> {
  const oid = await git.writeCommit({
    fs: o.repo.fs,
    gitdir: o.repo.gitdir,
    commit: {
      message: o.message,
      tree: o.tree,
      parent: [o.parent],
      author: identity(o.author),
      committer: identity(o.committer),
    },
  });
  await git.writeRef({ fs: o.repo.fs, gitdir: o.repo.gitdir, ref: o.ref, value: oid, force: true });
  return oid;
}

/** A git identity as isomorphic-git takes it (timestamp now and UTC unless given). */
export function identity(id: GitIdentity) {
  return {
    name: id.name,
    email: id.email,
    timestamp: id.timestamp ?? Math.floor(Date.now() / 1000),
    timezoneOffset: id.timezoneOffset ?? 0,
  };
}
