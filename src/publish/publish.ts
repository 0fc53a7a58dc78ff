// Publishing: takes the files the reconciler wrote, grouped, with their changes, and either commits them on the
// current branch (mode `commit`), proposes them as one branch + PR per group (mode `pull-request`), or does
// nothing (mode `none`). Every dependency (fs, http, octokit, logger, clock) is passed in; nothing reads env.

import git, { type HttpClient, type ReadCommitResult } from 'isomorphic-git';
import type { Logger } from '../entry/logger.js';
import {
  buildTree,
  commitFiles,
  type FileContent,
  type GitIdentity,
  identity,
  readWorkFiles,
  treeOf,
} from '../git/commit.js';
import { pushRef } from '../git/push.js';
import { redact } from '../git/redact.js';
import { fetchBranch, listRemoteBranches, type RemoteAccess, writeRemoteHead } from '../git/remote.js';
import { type GitFs, type GitRepo, openRepo } from '../git/repo.js';
import type { GitHubClient } from '../github/client.js';
import {
  closePullRequest,
  commentOnPullRequest,
  findPullRequest,
  type PullsContext,
  upsertPullRequest,
} from '../github/pulls.js';
import { ImagestreamsError } from '../model/errors.js';
import type { DeclarationNote } from '../plan/branch-diff.js';
import type { ConsumerChange, StreamChange } from '../plan/changes.js';
import { hasGroupTrailer, renderCommitMessage, renderSubject } from '../plan/commit-message.js';
import { renderPullRequestBody } from '../plan/pr-body.js';
import { type ComposeInput, composeGroup, composePaths } from './compose.js';
import { publishSkipReason } from './skip.js';

/** How changes leave the working tree. */
export type PublishMode = 'commit' | 'pull-request' | 'none';

/** PR decorations, from config or stream annotations (group values override the run's defaults). */
export interface PullRequestExtras {
  labels?: string[];
  reviewers?: string[];
  teamReviewers?: string[];
  assignees?: string[];
  draft?: boolean;
  autoMerge?: false | 'MERGE' | 'SQUASH' | 'REBASE';
}

/** One unit of publishing: one branch and PR in pull-request mode. */
export interface PublishGroup {
  /** Stable identity, e.g. `default/python` or a config group name; written as the commit trailer. */
  key: string;
  /** Branch for pull-request mode, e.g. `imagestreams/default/python`. */
  branch: string;
  /**
   * Every file the group owns (its lock files and the consumer files that follow it), repository-relative,
   * as written in the work tree. Pass groups with no changes too: that is how a revert closes its PR.
   */
  files: string[];
  /** The group's streams as `namespace/name`. */
  streams?: string[];
  changes: StreamChange[];
  consumers: ConsumerChange[];
  pr?: PullRequestExtras;
  /**
   * Pull-request mode: compose the branch from the base instead of copying `files` from the work tree (the
   * group's locks and declaration edits, and in consumer files only the values following the group's streams);
   * title, body and commit message then describe that diff, not the run.
   */
  compose?: Omit<ComposeInput, 'base' | 'work'>;
}

/** What a group's branch carries on top of the base, and what it means. */
interface GroupContent {
  files: Map<string, FileContent>;
  changes: StreamChange[];
  consumers: ConsumerChange[];
  notes: DeclarationNote[];
}

export interface PublishOptions {
  mode: PublishMode;
  fs: GitFs;
  dir: string;
  git: {
    /** Remote URL (default: the checkout's `origin`). */
    url?: string;
    token?: string;
    http: HttpClient;
  };
  /** Needed for pull-request mode. */
  github?: { octokit: GitHubClient; owner: string; repo: string };
  groups: PublishGroup[];
  /** Base branch of PRs (default: the remote's default branch, else the checked-out branch). */
  base?: string;
  author: GitIdentity;
  committer?: GitIdentity;
  pr?: PullRequestExtras;
  /** Commit message template (see renderCommitMessage). */
  messageTemplate?: string;
  logger: Logger;
  dryRun?: boolean;
  /** The run is a pull request from a fork: publishing is reported, not attempted. */
  fork?: boolean;
  /** Attempts per group when the remote moves underneath (default 3). */
  maxAttempts?: number;
  /** Clock for commit timestamps (default: now). */
  now?: () => Date;
  /** Waits used by the PR layer's short retries. */
  sleep?: (ms: number) => Promise<void>;
}

/** What happened to one group. */
export type GroupStatus =
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'closed'
  | 'pushed'
  | 'nothing'
  | 'skipped'
  | 'failed'
  | 'planned';

export interface GroupResult {
  key: string;
  status: GroupStatus;
  branch?: string;
  commit?: string;
  pullRequest?: { number: number; url: string };
  /** Why a group was skipped, failed, or closed. */
  reason?: string;
  error?: { code: string; message: string };
  pushed?: boolean;
  uploadedBytes?: number;
  attempts?: number;
}

/** The structured result of publishing; rendered by the entry points. */
export interface PublishResult {
  mode: PublishMode;
  /** Set when publishing was not attempted at all (no credentials, fork, mode none…). */
  skipped?: { code: string; reason: string };
  groups: GroupResult[];
}

/** Marker of the comment left on a PR whose branch someone else pushed to. */
export const LEFT_ALONE_MARKER = '<!-- imagestreams:branch-left-alone -->';

const RETRYABLE = new Set(['GIT_LEASE_FAILED', 'GIT_PUSH_REJECTED']);

/** Publishes the groups according to `mode`; failures of one group do not stop the others. */
export async function publish(opts: PublishOptions): Promise<PublishResult> {
  const { logger } = opts;
  const skipped = publishSkipReason({
    mode: opts.mode,
    github: Boolean(opts.github),
    ...(opts.fork ? { fork: true } : {}),
    ...(opts.dryRun ? { dryRun: true } : {}),
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
    return { mode: opts.mode, skipped: { code: 'NO_REMOTE', reason }, groups: [] };
  }
  const access: RemoteAccess = {
    url,
    http: opts.git.http,
    ...(opts.git.token ? { token: opts.git.token } : {}),
  };
  const secrets = [opts.git.token];

  if (opts.dryRun) return plan(opts, repo);
  if (opts.mode === 'commit') return publishCommit(opts, repo, access, secrets);
  return publishPullRequests(opts, repo, access, secrets);
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

async function publishCommit(
  opts: PublishOptions,
  repo: GitRepo,
  access: RemoteAccess,
  secrets: Array<string | undefined>,
): Promise<PublishResult> {
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
  const max = opts.maxAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      const remote = await listRemoteBranches(access);
      const remoteTip = remote.branches.get(branch) ?? null;
      if (remoteTip && remoteTip !== parent) {
        // The branch moved on the remote since the checkout: rebuild our files on top of its tip.
        if (!(await hasCommit(repo, remoteTip))) await fetchBranch(repo, access, branch);
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
    } catch (e) {
      if (e instanceof ImagestreamsError && RETRYABLE.has(e.code) && attempt < max) {
        opts.logger.info(`${branch} moved on the remote; rebuilding on its new tip`, { attempt });
        continue;
      }
      return all({ status: 'failed', branch, error: errorInfo(e, secrets), attempts: attempt });
    }
  }
}

async function publishPullRequests(
  opts: PublishOptions,
  repo: GitRepo,
  access: RemoteAccess,
  secrets: Array<string | undefined>,
): Promise<PublishResult> {
  const gh = opts.github!;
  const pulls: PullsContext = {
    octokit: gh.octokit,
    logger: opts.logger,
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  };
  const remote = await listRemoteBranches(access);
  const base = opts.base ?? remote.defaultBranch ?? repo.branch;
  if (!base) {
    throw new ImagestreamsError('GIT_NO_BASE', 'Cannot tell the base branch of pull requests; pass `base`.', {
      data: { dir: opts.dir },
    });
  }
  const state = { remote, baseTip: '', baseTree: '' };
  const refreshBase = async () => {
    const tip = state.remote.branches.get(base);
    if (!tip) {
      throw new ImagestreamsError('GIT_NO_BASE', `The base branch "${base}" does not exist on the remote.`, {
        data: { base },
      });
    }
    if (!(await hasCommit(repo, tip))) await fetchBranch(repo, access, base);
    state.baseTip = tip;
    state.baseTree = await treeOf(repo, tip);
  };
  await refreshBase();
  // Without origin/HEAD a new branch would upload the whole tree (isomorphic-git's thin-pack base).
  await writeRemoteHead(repo, base);

  const results: GroupResult[] = [];
  for (const g of opts.groups) {
    const target = { owner: gh.owner, repo: gh.repo, head: g.branch, base };
    const max = opts.maxAttempts ?? 3;
    let result: GroupResult | undefined;
    for (let attempt = 1; !result; attempt++) {
      try {
        const content = await groupContent(repo, g, state.baseTip);
        if ('stale' in content) {
          const reason =
            `the base branch "${base}" moved since this checkout (${content.stale.join(', ')} differ), so the ` +
            'work tree may hold older images than the base; nothing was proposed for this group. Update the ' +
            'checkout (git pull) and run again; a scheduled run from a fresh checkout rebuilds it by itself.';
          opts.logger.warn(`${g.key}: ${reason}`);
          result = { key: g.key, branch: g.branch, status: 'skipped', reason, attempts: attempt };
          break;
        }
        result = await publishGroup(opts, repo, access, pulls, g, target, state, content, attempt);
      } catch (e) {
        if (e instanceof ImagestreamsError && RETRYABLE.has(e.code) && attempt < max) {
          opts.logger.info(`branch ${g.branch} moved on the remote; rebuilding`, { attempt });
          state.remote = await listRemoteBranches(access);
          await refreshBase();
          continue;
        }
        result = {
          key: g.key,
          branch: g.branch,
          status: 'failed',
          error: errorInfo(e, secrets),
          attempts: attempt,
        };
        opts.logger.error(`publishing ${g.key} failed: ${result.error!.message}`);
      }
    }
    results.push(result);
  }
  return { mode: 'pull-request', groups: results };
}

async function publishGroup(
  opts: PublishOptions,
  repo: GitRepo,
  access: RemoteAccess,
  pulls: PullsContext,
  g: PublishGroup,
  target: { owner: string; repo: string; head: string; base: string },
  state: { remote: { branches: Map<string, string> }; baseTip: string; baseTree: string },
  content: GroupContent,
  attempt: number,
): Promise<GroupResult> {
  const branchTip = state.remote.branches.get(g.branch) ?? null;
  const tree = await buildTree({
    fs: repo.fs,
    gitdir: repo.gitdir,
    base: state.baseTree,
    files: content.files,
    repo,
  });

  let branchTree: string | null = null;
  if (branchTip) {
    if (!(await hasCommit(repo, branchTip))) await fetchBranch(repo, access, g.branch);
    const commit = await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid: branchTip });
    const foreign = foreignAuthor(commit, opts, g.key);
    if (foreign) {
      const reason =
        `branch "${g.branch}" has a commit imagestreams did not make (${foreign}); it was left unchanged. ` +
        'Merge or close its pull request, or delete the branch, to let imagestreams manage it again.';
      opts.logger.warn(reason);
      await commentOnPullRequest(
        pulls,
        target,
        `imagestreams left this branch alone: ${reason}`,
        LEFT_ALONE_MARKER,
      );
      return { key: g.key, branch: g.branch, status: 'skipped', reason, attempts: attempt };
    }
    branchTree = commit.commit.tree;
  }

  if (tree === state.baseTree) {
    // Nothing to propose: upstream is back at what the base already has.
    if (!branchTip) return { key: g.key, branch: g.branch, status: 'nothing', attempts: attempt };
    const closed = await closePullRequest(
      pulls,
      target,
      `Closing: the images are back at the digests \`${target.base}\` already locks, so there is nothing to merge.`,
    );
    await pushRef({ repo, access, localRef: '', branch: g.branch, expected: branchTip, delete: true });
    if (!closed) {
      // No open PR (merged or closed by someone): only the leftover branch went away.
      opts.logger.info(`deleted leftover branch ${g.branch}: nothing to propose`);
      return {
        key: g.key,
        branch: g.branch,
        status: 'nothing',
        reason: 'leftover branch deleted',
        attempts: attempt,
      };
    }
    opts.logger.info(`closed ${g.key}: upstream returned to the base's digests`, { branch: g.branch });
    return {
      key: g.key,
      branch: g.branch,
      status: 'closed',
      reason: 'upstream returned to what the base branch already has',
      pullRequest: { number: closed.number, url: closed.url },
      attempts: attempt,
    };
  }

  if (tree === branchTree && g.compose) {
    // The branch already holds exactly this content: its open PR already describes it. No write at all.
    const open = await findPullRequest(pulls, target);
    if (open) {
      return {
        key: g.key,
        branch: g.branch,
        status: 'unchanged',
        ...(branchTip ? { commit: branchTip } : {}),
        pullRequest: { number: open.number, url: open.html_url },
        pushed: false,
        uploadedBytes: 0,
        attempts: attempt,
      };
    }
  }

  let commit = branchTip ?? undefined;
  let pushed = false;
  let uploadedBytes = 0;
  if (tree !== branchTree) {
    const message = renderCommitMessage(content.changes, content.consumers, {
      group: g.key,
      notes: content.notes,
      ...(opts.messageTemplate ? { template: opts.messageTemplate } : {}),
    });
    commit = await git.writeCommit({
      fs: repo.fs,
      gitdir: repo.gitdir,
      commit: {
        message,
        tree,
        parent: [state.baseTip],
        author: identity(stamp(opts.author, opts.now)),
        committer: identity(stamp(opts.committer ?? opts.author, opts.now)),
      },
    });
    const localRef = `refs/imagestreams/${g.branch}`;
    await git.writeRef({ fs: repo.fs, gitdir: repo.gitdir, ref: localRef, value: commit, force: true });
    const p = await pushRef({ repo, access, localRef, branch: g.branch, expected: branchTip });
    pushed = true;
    uploadedBytes = p.uploadedBytes;
    opts.logger.info(`pushed ${g.branch}`, { commit: commit.slice(0, 12), bytes: uploadedBytes });
  }

  const extras = { ...opts.pr, ...g.pr };
  const pr = await upsertPullRequest(pulls, {
    ...target,
    title: renderSubject(content.changes, content.notes, content.consumers),
    body: renderPullRequestBody(content.changes, content.consumers, {
      marker: `<!-- imagestreams:group=${g.key} -->`,
      notes: content.notes,
    }),
    ...(extras.labels ? { labels: extras.labels } : {}),
    ...(extras.reviewers ? { reviewers: extras.reviewers } : {}),
    ...(extras.teamReviewers ? { teamReviewers: extras.teamReviewers } : {}),
    ...(extras.assignees ? { assignees: extras.assignees } : {}),
    ...(extras.draft !== undefined ? { draft: extras.draft } : {}),
    ...(extras.autoMerge ? { autoMerge: extras.autoMerge } : {}),
  });
  const status: GroupStatus =
    pr.operation === 'created' ? 'created' : pushed || pr.operation === 'updated' ? 'updated' : 'unchanged';
  return {
    key: g.key,
    branch: g.branch,
    status,
    ...(commit ? { commit } : {}),
    pullRequest: { number: pr.number, url: pr.url },
    pushed,
    uploadedBytes,
    attempts: attempt,
  };
}

/** Describes the commit's author when it is not this bot's commit for `key`, else null. */
function foreignAuthor(c: ReadCommitResult, opts: PublishOptions, key: string): string | null {
  const committer = opts.committer ?? opts.author;
  const ok =
    c.commit.author.email === opts.author.email &&
    c.commit.committer.email === committer.email &&
    c.commit.parent.length === 1 &&
    hasGroupTrailer(c.commit.message, key);
  return ok ? null : `${c.commit.committer.name} <${c.commit.committer.email}>, ${c.oid.slice(0, 12)}`;
}

/**
 * The group's branch content on top of `baseTip`: composed from the base (see compose.ts) when the group says
 * how, else its files as the work tree has them.
 */
async function groupContent(
  repo: GitRepo,
  g: PublishGroup,
  baseTip: string,
): Promise<GroupContent | { stale: string[] }> {
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
    base.set(path, await readBlobText(repo, baseTip, path));
    const w = worked.get(path);
    if (w) work.set(path, Buffer.from(w).toString('utf8'));
  }
  // The work tree must be on the base: where the checkout's HEAD and the base disagree about the group's files,
  // the base moved since the checkout (a merge) and the work tree may hold older images than the base.
  const head = repo.head;
  if (head && head !== baseTip) {
    const behind: string[] = [];
    for (const path of paths)
      if ((await readBlobText(repo, head, path)) !== base.get(path)) behind.push(path);
    if (behind.length > 0) return { stale: behind };
  }
  const composed = composeGroup({ ...g.compose, base, work });
  const files = new Map<string, FileContent>();
  for (const [path, text] of composed.files) files.set(path, Buffer.from(text, 'utf8'));
  return { files, changes: composed.changes, consumers: composed.consumers, notes: composed.notes };
}

async function readBlobText(repo: GitRepo, commit: string, filepath: string): Promise<string | undefined> {
  try {
    const { blob } = await git.readBlob({ fs: repo.fs, gitdir: repo.gitdir, oid: commit, filepath });
    return Buffer.from(blob).toString('utf8');
  } catch {
    return undefined;
  }
}

async function hasCommit(repo: GitRepo, oid: string): Promise<boolean> {
  try {
    await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid });
    return true;
  } catch {
    return false;
  }
}

function stamp(id: GitIdentity, now?: () => Date): GitIdentity {
  if (id.timestamp !== undefined || !now) return id;
  return { ...id, timestamp: Math.floor(now().getTime() / 1000) };
}

function errorInfo(e: unknown, secrets: Array<string | undefined>): { code: string; message: string } {
  const code = e instanceof ImagestreamsError ? e.code : 'PUBLISH_FAILED';
  return { code, message: redact(String((e as Error)?.message ?? e), secrets) };
}

/** Parses the config's `author: "Name <email>"`; null when it is not in that form. */
export function parseAuthor(text: string): GitIdentity | null {
  const m = /^\s*([^<>]+?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text);
  return m ? { name: m[1]!, email: m[2]! } : null;
}
