// What a group's branch holds on top of the base: composed from the base tree and the work tree (see
// compose.ts), or — for groups that do not compose — the group's files as the work tree has them. Reads git and
// the work tree; the composing itself is pure.

import { type FileContent, readWorkFiles } from '../git/commit.js';
import { readTextAt } from '../git/read-branch.js';
import type { GitRepo } from '../git/repo.js';
import type { DeclarationNote } from '../plan/branch-diff.js';
import type { ConsumerChange, StreamChange } from '../plan/changes.js';
import { composeGroup, composePaths, type StreamTagRef } from './compose.js';
import type { PublishGroup } from './types.js';

/** What a group's branch carries on top of the base, and what it means. */
export interface GroupContent {
  files: Map<string, FileContent>;
  changes: StreamChange[];
  consumers: ConsumerChange[];
  notes: DeclarationNote[];
  /** Tags left out of this group's PR because they were republished (each gets a PR of its own). */
  republished?: StreamTagRef[];
  /** Every release-named tag of the group's streams (their republished PRs may need closing). */
  releaseTags?: StreamTagRef[];
}

/** The work tree is behind the base for these files of the group: nothing may be proposed from it. */
export interface StaleContent {
  stale: string[];
}

/**
 * The group's branch content on top of `baseTip`: composed from the base (see compose.ts) when the group says
 * how, else its files as the work tree has them.
 */
export async function groupContent(
  repo: GitRepo,
  g: PublishGroup,
  baseTip: string,
): Promise<GroupContent | StaleContent> {
  if (!g.compose) {
    return {
      files: await readWorkFiles(repo, g.files),
      changes: g.changes,
      consumers: g.consumers,
      notes: [],
    };
  }
  const paths = composePaths(g.compose);
  const base = new Map<string, string | undefined>();
  const work = new Map<string, string | undefined>();
  const own = new Set([
    ...g.compose.streams.flatMap((s) => [s.lockFile, s.declarationFile ?? '']),
    ...g.compose.declarationFiles,
  ]);
  const worked = await readWorkFiles(
    repo,
    paths.filter((p) => own.has(p)),
  );
  for (const path of paths) {
    base.set(path, await readTextAt(repo, baseTip, path));
    const w = worked.get(path);
    if (w) work.set(path, Buffer.from(w).toString('utf8'));
  }
  // The work tree must be on the base: where the checkout's HEAD and the base disagree about the group's files,
  // the base moved since the checkout (a merge) and the work tree may hold older images than the base.
  const head = repo.head;
  if (head && head !== baseTip) {
    const behind: string[] = [];
    for (const path of paths) if ((await readTextAt(repo, head, path)) !== base.get(path)) behind.push(path);
    if (behind.length > 0) return { stale: behind };
  }
  const composed = composeGroup({ ...g.compose, base, work });
  const files = new Map<string, FileContent>();
  for (const [path, text] of composed.files) files.set(path, Buffer.from(text, 'utf8'));
  return {
    files,
    changes: composed.changes,
    consumers: composed.consumers,
    notes: composed.notes,
    republished: composed.republished,
    releaseTags: composed.releaseTags,
  };
}
