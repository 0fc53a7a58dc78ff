// The one walk of a project's files for consumers and BuildConfigs. The lock folder is left out: only this tool
// writes it, nothing in it is a consumer, and a reconcile has just written it (reading every lock back was about
// 6 MB of reads per run at 10,000 tags, for nothing). Locks are read where they are meant to be: loader/lock-file.

import * as nodeFs from 'node:fs/promises';
import {
  visitRepository,
  type WalkCounts,
  type WalkFs,
  type WalkOptions,
  type WalkResult,
  walkRepository,
} from '../consumers/walk.js';
import type { LoadedProject } from '../loader/load.js';

/** Text files under the project root that may hold `needles` (beyond the finders' own), the lock folder aside. */
export function walkProject(
  project: Pick<LoadedProject, 'root' | 'config'>,
  needles: readonly string[],
  fs: WalkFs = nodeFs as unknown as WalkFs,
): Promise<WalkResult> {
  return walkRepository(projectWalk(project, needles, fs));
}

/** The same walk, each file handed to `visit` as it is read and dropped after (see visitRepository). */
export function visitProject(
  project: Pick<LoadedProject, 'root' | 'config'>,
  needles: readonly string[],
  visit: Parameters<typeof visitRepository>[1],
  fs: WalkFs = nodeFs as unknown as WalkFs,
): Promise<WalkCounts> {
  return visitRepository(projectWalk(project, needles, fs), visit);
}

function projectWalk(
  project: Pick<LoadedProject, 'root' | 'config'>,
  needles: readonly string[],
  fs: WalkFs,
): WalkOptions {
  const lockDir = project.config.lockDir;
  return {
    root: project.root,
    fs,
    needles,
    ignore: (p) => p === lockDir || p.startsWith(`${lockDir}/`),
  };
}
