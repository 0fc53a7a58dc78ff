// The daemon's working copy. Clone mode: its own shallow clone, fetched and hard-reset to the remote branch
// before every run (state lives in git, so a restart loses nothing). Path mode: a directory someone else keeps
// current (a git-sync sidecar, a mounted checkout). In pull-request mode the job first takes each stream's lock
// from its open PR branch (src/publish/seed-branches.ts, run by runJob); every file a run touched or seeded is put
// back to HEAD afterwards, leaving the work tree as clean as the remote branch.

import * as nodeFs from 'node:fs';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { escapeOf, removeInside, writeInside } from '../fs/inside.js';
import { cloneRepo } from '../git/clone.js';
import { checkRemoteUrl, type RemoteAccess } from '../git/remote.js';
import { type GitRepo, openRepo } from '../git/repo.js';
import { type LoadedProject, loadProject } from '../loader/load.js';
import { ImagestreamsError } from '../model/errors.js';
import type { Logger } from '../util/logger.js';
import { safeUrl } from '../util/redact.js';

/** Where the daemon's files come from. */
export type WorkspaceSource =
  | { kind: 'clone'; dir: string; access: RemoteAccess; branch?: string }
  | { kind: 'path'; dir: string; access?: Omit<RemoteAccess, 'url'> & { url?: string } };

/** Options of createWorkspace. */
export interface WorkspaceOptions {
  source: WorkspaceSource;
  configPath?: string;
  logger: Logger;
}

/** What prepare() did, for logs. */
export interface PrepareResult {
  project: LoadedProject;
  /** Commit the run works from (null outside git). */
  head: string | null;
}

async function exists(path: string): Promise<boolean> {
  try {
    await nodeFs.promises.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The daemon's working copy. */
export interface Workspace {
  readonly dir: string;
  /** Sync (clone mode), clean and load. */
  prepare(): Promise<PrepareResult>;
  /** Remembers files a run wrote, so the next prepare (or finish) puts them back. */
  touch(paths: Iterable<string>): void;
  /** Puts every touched file back to HEAD now (after a pull-request run; at shutdown). */
  finish(): Promise<void>;
}

/** Creates the workspace. */
export function createWorkspace(o: WorkspaceOptions): Workspace {
  const { source, logger } = o;
  const dir = source.dir;
  /** Paths the last run (or its seeding) wrote, to be put back to HEAD. */
  const touched = new Set<string>();
  let firstSync = true;

  /** Back to HEAD for everything the daemon wrote (on the first sync of an existing clone: everything). */
  async function clean(): Promise<void> {
    const repo = await openOrNull(dir);
    if (!repo) return;
    const paths = new Set(touched);
    // An interrupted earlier process may have left files behind in the daemon's own clone.
    if (firstSync && source.kind === 'clone') for (const p of await dirtyPaths(dir)) paths.add(p);
    const n = await restore(repo, dir, paths, logger);
    if (n > 0) logger.info('work tree put back to HEAD', { files: n });
    touched.clear();
  }

  return {
    dir,
    async prepare(): Promise<PrepareResult> {
      await clean();
      const { head } = await syncSource(source);
      firstSync = false;
      const project = await loadProject({ cwd: dir, ...(o.configPath ? { configPath: o.configPath } : {}) });
      return { project, head };
    },
    touch(paths: Iterable<string>): void {
      for (const p of paths) touched.add(p);
    },
    finish: clean,
  };
}

async function openOrNull(dir: string): Promise<GitRepo | null> {
  try {
    return await openRepo({ fs: nodeFs, dir });
  } catch {
    return null;
  }
}

/** Clone mode: fetch and reset the clone. Path mode: read the checkout's HEAD and remote (refusing plain HTTP). */
async function syncSource(source: WorkspaceSource): Promise<{ head: string | null; access?: RemoteAccess }> {
  const { dir } = source;
  if (source.kind === 'clone') {
    const repo = await cloneRepo({
      fs: nodeFs,
      dir,
      access: source.access,
      ...(source.branch ? { branch: source.branch } : {}),
    });
    return { head: repo.head, access: source.access };
  }
  const repo = await openOrNull(dir);
  const head = repo?.head ?? null;
  const url = source.access?.url ?? repo?.remoteUrl;
  // The token goes to this remote (seeding, pushes): never over plain HTTP off the machine.
  const checked = url && source.access?.token ? checkRemoteUrl(url) : undefined;
  if (checked && 'error' in checked) {
    throw new ImagestreamsError('GIT_INSECURE_REMOTE', `the checkout's remote: ${checked.error}`, {
      data: { url: safeUrl(url!) },
      permanent: true,
    });
  }
  if (url && source.access) return { head, access: { ...source.access, url } as RemoteAccess };
  return { head };
}

/** Puts `paths` back to their HEAD content (deleting those HEAD lacks). */
async function restore(repo: GitRepo, dir: string, paths: Iterable<string>, logger: Logger): Promise<number> {
  let n = 0;
  for (const path of paths) {
    const abs = join(dir, path);
    // Never through a link to outside the clone (a committed `imagestreams.lock` symlink, say).
    const outside = await escapeOf(dir, path, { file: true });
    if (outside) {
      logger.warn('not restoring a path that leads outside the work tree', { path, reason: outside.kind });
      continue;
    }
    let blob: Uint8Array | undefined;
    if (repo.head) {
      try {
        blob = (await git.readBlob({ fs: nodeFs, gitdir: repo.gitdir, oid: repo.head, filepath: path })).blob;
      } catch {
        blob = undefined;
      }
    }
    if (blob) {
      const current = await nodeFs.promises.readFile(abs).catch(() => null);
      if (!current || !Buffer.from(blob).equals(current)) {
        await writeInside(dir, path, Buffer.from(blob).toString('utf8'));
        n++;
      }
    } else if (await exists(abs)) {
      await removeInside(dir, path);
      n++;
    }
  }
  return n;
}

/** Every path that differs from HEAD (modified, deleted or untracked, not ignored). */
async function dirtyPaths(dir: string): Promise<string[]> {
  const rows = await git.statusMatrix({ fs: nodeFs, dir });
  return rows.filter(([, head, work]) => !(head === 1 && work === 1)).map(([p]) => p);
}
