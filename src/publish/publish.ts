// Publishing: takes the files the reconciler wrote, grouped, with their changes, and either commits them on the
// current branch (mode `commit`, commit-mode.ts), proposes them as one branch + PR per group (mode `pull-request`,
// pull-requests.ts), or does nothing (mode `none`). Every dependency (fs, http, octokit, logger, clock) is passed
// in; nothing reads env.

import { buildTree, type GitIdentity, readWorkFiles, treeOf } from '../git/commit.js';
import type { RemoteAccess } from '../git/remote.js';
import { type GitRepo, openRepo } from '../git/repo.js';
import { hintFor } from '../model/error-codes.js';
import { publishCommit } from './commit-mode.js';
import { publishPullRequests } from './pull-requests.js';
import { publishSkipReason } from './skip.js';
import type { GroupResult, PublishOptions, PublishResult } from './types.js';

export { LEFT_ALONE_MARKER } from './pull-requests.js';
export type {
  GroupResult,
  GroupStatus,
  PublishGroup,
  PublishMode,
  PublishOptions,
  PublishResult,
  PullRequestExtras,
} from './types.js';

import { omitUndefined } from '../util/omit-undefined.js';

/** Publishes the groups according to `mode`; failures of one group do not stop the others. */
export async function publish(opts: PublishOptions): Promise<PublishResult> {
  const { logger } = opts;
  const skipped = publishSkipReason({
    mode: opts.mode,
    github: Boolean(opts.github),
    ...omitUndefined({ fork: opts.fork, dryRun: opts.dryRun }),
    ...(opts.git.token ? { token: opts.git.token } : {}),
  });
  if (skipped) {
    logger.debug(`publishing skipped: ${skipped.reason}`);
    return { mode: opts.mode, skipped, groups: [] };
  }

  const repo = await openRepo({ fs: opts.fs, dir: opts.dir });
  const url = opts.git.url ?? repo.remoteUrl;
  if (!url) {
    const reason = `${opts.dir} has no "origin" remote and no URL was given`;
    logger.debug(`publishing skipped: ${reason}`);
    return {
      mode: opts.mode,
      skipped: { code: 'NO_REMOTE', reason, hint: hintFor('NO_REMOTE') },
      groups: [],
    };
  }
  const access: RemoteAccess = {
    url,
    http: opts.git.http,
    ...(opts.git.token ? { token: opts.git.token } : {}),
  };
  const secrets = [opts.git.token];

  if (opts.signCommits && opts.mode === 'commit') return signedCommitMode(opts);
  if (opts.dryRun) return plan(opts, repo);
  const ctx = { opts, repo, access, secrets };
  if (opts.mode === 'commit') return publishCommit(ctx);
  return publishPullRequests(ctx);
}

/** `signCommits` in commit mode: refused for every group, nothing is pushed unsigned. */
function signedCommitMode(opts: PublishOptions): PublishResult {
  const error = {
    code: 'PUBLISH_SIGN_COMMITS_MODE' as const,
    message:
      'publish.signCommits works in pull-request mode only: commit mode pushes with git, which cannot make ' +
      'commits GitHub signs. Publish with mode "pull-request" (--publish pull-request), or remove signCommits.',
    hint: hintFor('PUBLISH_SIGN_COMMITS_MODE'),
  };
  opts.logger.error(error.message);
  return {
    mode: 'commit',
    groups: opts.groups.map((g) => ({ key: g.key, status: 'failed', error, attempts: 0 })),
  };
}

/** Dry run: no network; says per group whether there is anything to publish against HEAD. */
async function plan(opts: PublishOptions, repo: GitRepo): Promise<PublishResult> {
  const headTree = repo.head ? await treeOf(repo, repo.head) : null;
  const groups: GroupResult[] = [];
  for (const g of opts.groups) {
    const tree = await buildTree({
      fs: repo.fs,
      gitdir: repo.gitdir,
      base: headTree,
      files: await readWorkFiles(repo, g.files),
    });
    groups.push({
      key: g.key,
      status: tree === headTree ? 'nothing' : 'planned',
      ...(opts.mode === 'pull-request' ? { branch: g.branch } : {}),
    });
  }
  return { mode: opts.mode, groups };
}

/** Parses the config's `author: "Name <email>"`; null when it is not in that form. */
export function parseAuthor(text: string): GitIdentity | null {
  const m = /^\s*([^<>]+?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text);
  return m ? { name: m[1]!, email: m[2]! } : null;
}
