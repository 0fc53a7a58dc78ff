// Pull-request mode keeps state on the open PR branches that the base does not have yet: a soaking digest's
// first-seen time, a tag imported on demand. Before a run reconciles, each stream's lock is taken from the open
// branch that proposes it, so a fresh checkout (the scheduled Action, a new clone, the daemon's reset clone)
// goes on from what the PRs already propose instead of from the base. Only locks are seeded (consumers are
// recomposed from them), only from branches built on the commit the work tree is at (a branch of an older base
// may hold older images or an older declaration's tags), only over a lock the work tree has as HEAD has it
// (local edits win), and never through a path that leaves the repository. A lock on a branch that is not one
// (garbage, too large, another stream's) is ignored with a warning; the work tree's copy stands.

import * as nodeFs from 'node:fs';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { escapeOf, writeInside } from '../fs/inside.js';
import { ensureCommit, listRemoteBranches, type RemoteAccess } from '../git/remote.js';
import { type GitRepo, openRepo } from '../git/repo.js';
import type { LoadedProject } from '../loader/load.js';
import { lockPath, parseLock } from '../loader/lock-file.js';
import { MAX_FILE_BYTES } from '../loader/source.js';
import type { StreamLock } from '../model/lock.js';
import { serializeLock } from '../model/lock-format.js';
import { mixLock } from '../plan/republished-split.js';
import type { Logger } from '../util/logger.js';
import { branchName, groupChanges, republishedPrefix } from './groups.js';

/** What seeding needs. */
export interface SeedOptions {
  /** The work tree (a git checkout) the run reconciles. */
  dir: string;
  project: LoadedProject;
  access: RemoteAccess;
  logger: Logger;
}

/** What seeding did. */
export interface SeedResult {
  /** Lock files rewritten from a PR branch (to be put back to HEAD by whoever must keep the tree clean). */
  seeded: string[];
}

/** One stream's lock file and identity. */
interface LockTarget {
  file: string;
  namespace: string;
  name: string;
}

/** Writes each stream's lock from its open PR branch (see the top of this file). Never throws for a branch. */
export async function seedFromBranches(o: SeedOptions): Promise<SeedResult> {
  const { dir, project, access, logger } = o;
  const repo = await openRepo({ fs: nodeFs, dir });
  if (!repo.head) return { seeded: [] };
  const { config } = project;
  const targets = new Map<string, LockTarget>();
  for (const s of project.streams) {
    const file = lockPath(config, s.namespace, s.name);
    targets.set(`${s.namespace}/${s.name}`, { file, namespace: s.namespace, name: s.name });
  }
  const groups = groupChanges({
    streams: [...targets.values()].map((t) => ({ namespace: t.namespace, stream: t.name, lockFile: t.file })),
    changes: [],
    consumers: [],
    branchPrefix: config.publish.branchPrefix,
    groups: config.publish.groups.map((g) => ({ name: g.name, streams: g.streams })),
  });
  let branches: Map<string, string>;
  try {
    ({ branches } = await listRemoteBranches(access));
  } catch (e) {
    logger.warn('cannot list the pull request branches; locks are not seeded from them', {
      error: (e as Error).message,
    });
    return { seeded: [] };
  }
  const seeded = new Set<string>();
  // Files seeded by this call: a republished tag's entry may go on top of what the group's branch seeded.
  const ctx = { dir, repo, access, logger, ours: seeded };
  for (const g of groups) {
    const tip = branches.get(g.branch);
    if (!tip || !(await current(ctx, g.branch, tip))) continue;
    for (const id of g.streams ?? []) {
      const t = targets.get(id);
      if (t && (await seedOne(ctx, { branch: g.branch, tip }, t, () => true))) seeded.add(t.file);
    }
  }
  const prefix = republishedPrefix(config.publish.branchPrefix);
  for (const [id, t] of targets) {
    const own = `${branchName(prefix, id)}/`;
    for (const [branch, tip] of [...branches].filter(([b]) => b.startsWith(own)).sort()) {
      // A republished tag's branch proposes only that tag: its entry replaces the work tree's, the rest stands.
      const tag = branch.slice(own.length);
      if (!(await current(ctx, branch, tip))) continue;
      if (await seedOne(ctx, { branch, tip, tag }, t, (x) => x !== tag)) seeded.add(t.file);
    }
  }
  if (seeded.size > 0) logger.info('locks taken from open pull request branches', { files: [...seeded] });
  return { seeded: [...seeded] };
}

interface SeedContext {
  dir: string;
  repo: GitRepo;
  access: RemoteAccess;
  logger: Logger;
  ours: ReadonlySet<string>;
}

/**
 * Only a branch built on the commit this run works from is current: a stale one (the base moved since, e.g.
 * another PR merged or a declaration changed) may hold older images or tags than the base, and seeding them would
 * propose going back.
 */
async function current(ctx: SeedContext, branch: string, tip: string): Promise<boolean> {
  try {
    const { commit } = await ensureCommit(ctx.repo, ctx.access, tip, branch);
    return commit.parent.length === 1 && commit.parent[0] === ctx.repo.head;
  } catch (e) {
    ctx.logger.warn(`cannot read pull request branch ${branch}; its locks are not seeded`, {
      error: (e as Error).message,
    });
    return false;
  }
}

/**
 * Seeds `t.file` from the branch: the branch's whole lock, or (with `keepOwn` saying which tags stay as the work
 * tree has them) a mix. True when the work tree's file was rewritten.
 */
async function seedOne(
  ctx: SeedContext,
  b: { branch: string; tip: string; tag?: string },
  t: LockTarget,
  keepOwn: (tag: string) => boolean,
): Promise<boolean> {
  const { dir, repo, logger } = ctx;
  // Never through a link to outside the work tree (the load refuses such a lockDir anyway).
  if (await escapeOf(dir, t.file, { file: true })) return false;
  const proposed = await branchLock(ctx, b, t);
  if (!proposed) return false;
  const work = await nodeFs.promises.readFile(join(dir, t.file), 'utf8').catch(() => undefined);
  // A lock the work tree holds differently from HEAD was edited (or written) here: it wins, nothing is lost.
  if (!ctx.ours.has(t.file) && work !== (await blobText(repo, repo.head!, t.file))) return false;
  let next: string;
  if (b.tag === undefined) next = proposed.text;
  else {
    if (work === undefined || !proposed.lock.status.tags.some((x) => x.tag === b.tag)) return false;
    const own = lockOrUndefined(work, t);
    if (!own) return false;
    next = serializeLock(mixLock(proposed.lock, own, keepOwn));
  }
  if (next === work) return false;
  await writeInside(dir, t.file, next);
  logger.debug(`seeded ${t.file} from ${b.branch}`);
  return true;
}

/** The branch's lock of the stream, when it is one; a warning for what is there and is not. */
async function branchLock(
  ctx: SeedContext,
  b: { branch: string; tip: string },
  t: LockTarget,
): Promise<{ text: string; lock: StreamLock } | undefined> {
  const bytes = await blobBytes(ctx.repo, b.tip, t.file);
  if (bytes === undefined) return undefined; // the branch does not carry it: the base's copy stands
  const ignore = (why: string) => {
    ctx.logger.warn(`ignoring ${t.file} on pull request branch ${b.branch}: ${why}; the base's lock is used`);
    return undefined;
  };
  if (bytes.length > MAX_FILE_BYTES) return ignore(`over the ${MAX_FILE_BYTES / 1024 / 1024} MB limit`);
  const text = Buffer.from(bytes).toString('utf8');
  const lock = lockOrUndefined(text, t);
  return lock ? { text, lock } : ignore('not a lock of this stream imagestreams can read');
}

/** The parsed lock, when `text` is a valid lock of the target stream. */
function lockOrUndefined(text: string, t: LockTarget): StreamLock | undefined {
  try {
    const lock = parseLock(text, t.file);
    return lock.metadata.namespace === t.namespace && lock.metadata.name === t.name ? lock : undefined;
  } catch {
    return undefined;
  }
}

async function blobBytes(repo: GitRepo, commit: string, filepath: string): Promise<Uint8Array | undefined> {
  try {
    return (await git.readBlob({ fs: repo.fs, gitdir: repo.gitdir, oid: commit, filepath })).blob;
  } catch {
    return undefined;
  }
}

async function blobText(repo: GitRepo, commit: string, filepath: string): Promise<string | undefined> {
  const b = await blobBytes(repo, commit, filepath);
  return b === undefined ? undefined : Buffer.from(b).toString('utf8');
}
