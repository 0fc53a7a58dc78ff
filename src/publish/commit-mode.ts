// Commit mode: every file the run wrote, in one commit on the checked-out branch, pushed with a lease (rebuilt on
// the remote's tip when the branch moved underneath).

import { commitFiles } from '../git/commit.js';
import { pushRef } from '../git/push.js';
import { readTextAt } from '../git/read-branch.js';
import { ensureCommit, listRemoteBranches } from '../git/remote.js';
import type { GitRepo } from '../git/repo.js';
import { ImagestreamsError } from '../model/errors.js';
import { renderCommitMessage } from '../render/commit-message.js';
import type { PublishContext } from './group-context.js';
import { errorInfo, stamp, withLeaseRetry } from './support.js';
import type { GroupResult, PublishResult } from './types.js';

/** Paths of `files` whose content differs between commits `a` and `b`. */
async function changedSince(repo: GitRepo, a: string, b: string, files: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) if ((await readTextAt(repo, a, f)) !== (await readTextAt(repo, b, f))) out.push(f);
  return out;
}

/** Commits and pushes every group's files on the current branch; one result shared by all groups. */
export async function publishCommit(ctx: PublishContext): Promise<PublishResult> {
  const { opts, repo, access, secrets } = ctx;
  const branch = repo.branch;
  if (!branch) {
    throw new ImagestreamsError(
      'GIT_DETACHED_HEAD',
      `Commit mode needs a branch checked out, but HEAD in ${opts.dir} is detached (a pull_request checkout?). ` +
        'Use publish mode "pull-request", or check out the branch (actions/checkout with `ref:`).',
      { data: { dir: opts.dir } },
    );
  }
  const changes = opts.groups.flatMap((g) => g.changes);
  const consumers = opts.groups.flatMap((g) => g.consumers);
  const files = [...new Set(opts.groups.flatMap((g) => g.files))];
  const message = renderCommitMessage(changes, consumers, {
    ...(opts.messageTemplate ? { template: opts.messageTemplate } : {}),
  });
  const all = (r: Omit<GroupResult, 'key'>): PublishResult => ({
    mode: 'commit',
    groups: opts.groups.map((g) => ({ key: g.key, ...r })),
  });
  let parent = repo.head;
  return withLeaseRetry<PublishResult>({
    max: opts.maxAttempts ?? 3,
    refresh: async (attempt) => {
      opts.logger.info(`${branch} moved on the remote; rebuilding on its new tip`, { attempt });
    },
    fail: (e, attempt) => all({ status: 'failed', branch, error: errorInfo(e, secrets), attempts: attempt }),
    run: async (attempt) => {
      const remote = await listRemoteBranches(access);
      const remoteTip = remote.branches.get(branch) ?? null;
      if (remoteTip && remoteTip !== parent) {
        // The branch moved on the remote since the checkout: rebuild our files on top of its tip — unless the
        // remote changed one of them, when the work tree may hold older images than the branch now has.
        await ensureCommit(repo, access, remoteTip, branch);
        const moved = repo.head ? await changedSince(repo, repo.head, remoteTip, files) : [];
        if (moved.length > 0) {
          throw new ImagestreamsError(
            'GIT_BASE_MOVED',
            `"${branch}" moved on the remote since this checkout and changed ${moved.join(', ')}; committing the ` +
              'work tree would overwrite those changes (possibly with older images). Update the checkout ' +
              '(git pull) and run again; a scheduled run from a fresh checkout does so by itself.',
            { data: { branch, files: moved } },
          );
        }
        parent = remoteTip;
      }
      const c = await commitFiles({
        repo,
        files,
        message,
        author: stamp(opts.author, opts.now),
        committer: stamp(opts.committer ?? opts.author, opts.now),
        parent,
        ref: `refs/heads/${branch}`,
        updateIndex: true,
      });
      if (!c.changed) return all({ status: 'nothing', attempts: attempt });
      const pushed = await pushRef({
        repo,
        access,
        localRef: `refs/heads/${branch}`,
        branch,
        expected: remoteTip,
      });
      opts.logger.info(`pushed ${c.oid?.slice(0, 12)} to ${branch}`, { bytes: pushed.uploadedBytes });
      return all({
        status: 'pushed',
        branch,
        commit: c.oid!,
        pushed: true,
        uploadedBytes: pushed.uploadedBytes,
        attempts: attempt,
      });
    },
  });
}
