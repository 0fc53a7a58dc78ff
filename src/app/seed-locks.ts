// Before a pull-request-mode job reconciles, each stream's lock is taken from its open PR branch (see
// src/publish/seed-branches.ts), so state that lives only there (a soaking digest's first-seen time, a tag imported
// on demand) survives a fresh checkout. The Action, the CLI's `--publish` and the daemon all get it from runJob.
// Loaded only when seeding can happen (it needs git).

import * as nodeFs from 'node:fs';
import http from 'isomorphic-git/http/node';
import { openRepo } from '../git/repo.js';
import type { LoadedProject } from '../loader/load.js';
import { seedFromBranches } from '../publish/seed-branches.js';
import type { AppDeps } from './deps.js';
import type { PublishRunOptions } from './publish-run.js';

/** Seeds the work tree at the project's root; returns the lock files rewritten. Never throws. */
export async function seedLocks(
  io: AppDeps,
  project: LoadedProject,
  o: { token: string; publish?: PublishRunOptions },
): Promise<string[]> {
  try {
    const repo = await openRepo({ fs: nodeFs, dir: project.root });
    const url = o.publish?.gitUrl ?? repo.remoteUrl;
    if (!url) return []; // publishing reports the missing remote itself
    const access = { url, token: o.token, http: o.publish?.http ?? http };
    return (await seedFromBranches({ dir: project.root, project, access, logger: io.logger })).seeded;
  } catch (e) {
    io.logger.warn('locks were not seeded from pull request branches', { error: (e as Error).message });
    return [];
  }
}
