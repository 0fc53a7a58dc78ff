// The lock-PR job: on a pull request from a branch of the same repository, reconcile the streams whose declarations
// the pull request added or edited (base..head) and remove the locks of streams it deleted, then add one commit with
// the locks and the consumers they move to the pull request's own branch, so one pull request carries declaration,
// lock and consumers. Only the pull request's own declaration changes are imported: other streams, and scheduled
// tags whose spec did not change, stay at their locks. Never for forks; never on its own commit (no loops).

import * as nodeFs from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { HttpClient } from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { type CommitInfo, mergeBase, readCommitInfo } from '../git/history.js';
import { type GitRepo, openRepo } from '../git/repo.js';
import type { LoadedProject } from '../loader/load.js';
import { lockPath } from '../loader/lock-file.js';
import { hasErrors } from '../model/diagnostic.js';
import { type ErrorCode, hintFor } from '../model/error-codes.js';
import { ImagestreamsError } from '../model/errors.js';
import { commitToPrBranch } from '../publish/pr-branch.js';
import { parseAuthor } from '../publish/publish.js';
import { stamp } from '../publish/support.js';
import { isLockPrCommit, renderLockPrMessage } from '../render/lock-pr.js';
import { redact } from '../util/redact.js';
import type { AppDeps } from './deps.js';
import { connectGitHub, type GitHubOptions } from './github.js';
import { declarationChanges } from './lock-pr-changes.js';
import { openProject } from './project.js';
import { DEFAULT_AUTHOR } from './publish-run.js';
import { type RegistryRunOptions, type RunReconcileResult, runReconcile } from './reconcile.js';

/** The workflow expression of the pull request's head commit, as the fix in messages writes it. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template placeholder
const HEAD_SHA_EXPRESSION = '${{ github.event.pull_request.head.sha }}';

/** The pull request, as the event describes it. */
export interface LockPrRequest {
  number: number;
  headRef: string;
  headSha: string;
  baseSha: string;
  /** The head repository is not the base repository (or is gone). */
  fork: boolean;
  headRepository?: string;
}

/** What to run. */
export interface LockPrOptions {
  pr: LockPrRequest;
  configPath?: string;
  github: GitHubOptions;
  /** The remote to push to (default: the checkout's origin) and the HTTP client (tests). */
  git?: { url?: string; http?: HttpClient };
  registry?: RegistryRunOptions;
  /** Reconcile and report, write and push nothing. */
  dryRun?: boolean;
}

/**
 * fork: nothing done; ours: the head is this job's own commit; unchanged: no declaration changed; nothing: the
 * locks already match; pushed: committed now; already: a previous run of this event committed it; dry-run;
 * failed: nothing pushed (see error or run); invalid: the declarations are invalid, nothing done.
 */
export type LockPrStatus =
  | 'fork'
  | 'ours'
  | 'unchanged'
  | 'nothing'
  | 'pushed'
  | 'already'
  | 'dry-run'
  | 'failed'
  | 'invalid';

/** What the job did, and why. */
export interface LockPrResult {
  status: LockPrStatus;
  /** One sentence for the summary: what happened and why. */
  reason: string;
  /** Streams (`namespace/name`) whose declarations the pull request added or edited. */
  changed: string[];
  /** Streams it removed (their lock files are deleted). */
  removed: string[];
  mergeBase?: string;
  /** Repository-relative paths written (or that would be, on a dry run). */
  files: string[];
  commit?: string;
  signed?: boolean;
  uploadedBytes?: number;
  run?: RunReconcileResult;
  error?: { code: ErrorCode; message: string; hint: string };
}

/** Runs the lock-PR job for `opts.pr` in the checkout at io.cwd; thrown project errors become a failed result. */
export async function lockPullRequest(io: AppDeps, opts: LockPrOptions): Promise<LockPrResult> {
  const { pr } = opts;
  const empty = { changed: [], removed: [], files: [] };
  if (pr.fork) {
    return {
      status: 'fork',
      reason:
        `Nothing committed: pull request #${pr.number} comes from a fork (${pr.headRepository ?? 'a deleted repository'}). ` +
        'Runs for forks get no credentials and never push; the declarations were validated only.',
      ...empty,
    };
  }
  try {
    const project = await openProject(io.cwd, opts.configPath ? { configPath: opts.configPath } : {});
    if (hasErrors(project.diagnostics)) {
      return { status: 'invalid', reason: 'Nothing committed: the declarations are invalid.', ...empty };
    }
    return await lockChanged(io, opts, project);
  } catch (e) {
    if (!(e instanceof ImagestreamsError)) throw e;
    const message = redact(e.message, [opts.github.token]);
    return {
      status: 'failed',
      reason: `Nothing committed: ${message}`,
      ...empty,
      error: { code: e.code, message, hint: e.hint ?? hintFor(e.code) },
    };
  }
}

/** The job after the checks on the project: compare, reconcile the changed streams, commit. */
async function lockChanged(io: AppDeps, opts: LockPrOptions, project: LoadedProject): Promise<LockPrResult> {
  const { pr } = opts;
  const repo = await openRepo({ fs: nodeFs, dir: project.root });
  if (repo.head !== pr.headSha) {
    throw new ImagestreamsError(
      'LOCK_PR_CHECKOUT',
      `The checkout at ${project.root} is at ${repo.head?.slice(0, 12) ?? 'no commit'}, not at the pull request's ` +
        `head ${pr.headSha.slice(0, 12)} (actions/checkout checks out a merge commit by default). Check out with ` +
        `\`ref: ${HEAD_SHA_EXPRESSION}\` and \`fetch-depth: 0\`.`,
      { data: { head: repo.head, expected: pr.headSha }, permanent: true },
    );
  }
  const head = await readCommitInfo(repo, pr.headSha, "the pull request's head");
  const none = { changed: [], removed: [], files: [] };
  if (isLockPrCommit(head.message)) {
    return {
      status: 'ours',
      reason: `Nothing committed: the head ${pr.headSha.slice(0, 12)} is imagestreams' own lock commit, and nothing was pushed after it.`,
      ...none,
    };
  }
  await readCommitInfo(repo, pr.baseSha, "the pull request's base");
  const base = await mergeBase(repo, pr.baseSha, pr.headSha);
  const { changed, removed } = await declarationChanges(repo, project, base, pr.headSha);
  const seen = { changed, removed, mergeBase: base };
  if (changed.length === 0 && removed.length === 0) {
    return {
      status: 'unchanged',
      reason: 'Nothing committed: the pull request changes no declaration.',
      ...seen,
      files: [],
    };
  }
  const dryRun = Boolean(opts.dryRun);
  let run: RunReconcileResult | undefined;
  if (changed.length > 0) {
    // Only the changed streams, and only their new or edited tags: a scheduled tag is left to the scheduled run.
    run = await runReconcile(io, {
      project: { loaded: project },
      streams: { only: new Set(changed), scheduledDue: () => false },
      ...(opts.registry ? { registry: opts.registry } : {}),
      dryRun,
    });
    if (run.status !== 'ok') {
      return {
        status: run.status === 'invalid' ? 'invalid' : 'failed',
        reason: 'Nothing committed: the reconcile of the changed streams failed.',
        ...seen,
        files: run.written,
        run,
      };
    }
  }
  const removedLocks = await removeLocks(project, removed, dryRun);
  const files = [...(run?.written ?? []), ...removedLocks];
  const withRun = { ...seen, files, ...(run ? { run } : {}) };
  if (dryRun) return { status: 'dry-run', reason: 'Dry run: nothing written or pushed.', ...withRun };
  return publishLocks(io, opts, { project, repo, head, run, removedLocks, result: withRun });
}

/** What the lock commit is made of: the project, the checkout at the head, the run and the removed locks. */
interface LockCommitInput {
  project: LoadedProject;
  repo: GitRepo;
  head: CommitInfo;
  run: RunReconcileResult | undefined;
  removedLocks: string[];
  /** The result so far (streams, files, run). */
  result: Omit<LockPrResult, 'status' | 'reason'>;
}

/** Commits the written files on the head and adds the commit to the pull request's branch. */
async function publishLocks(io: AppDeps, opts: LockPrOptions, c: LockCommitInput): Promise<LockPrResult> {
  const { pr } = opts;
  const { project, repo, head, run, removedLocks, result: withRun } = c;
  const { changed, removed, files } = withRun;
  const author = parseAuthor(project.config.publish.author ?? DEFAULT_AUTHOR) ?? parseAuthor(DEFAULT_AUTHOR)!;
  const url = opts.git?.url ?? repo.remoteUrl;
  if (!url)
    throw new ImagestreamsError(
      'NO_REMOTE',
      `The checkout at ${project.root} has no remote "origin" to push to.`,
    );
  const token = opts.github.token;
  const pushed = await commitToPrBranch({
    repo,
    branch: pr.headRef,
    head,
    files,
    message: renderLockPrMessage({
      changes: run?.result?.changes ?? [],
      consumers: run?.consumers?.changes ?? [],
      removed: removed.filter((id) => removedLocks.some((f) => f.endsWith(`/${id}.json`))),
      head: pr.headSha,
    }),
    author: stamp(author, io.now),
    git: { url, http: opts.git?.http ?? http, ...(token ? { token } : {}) },
    ...(project.config.publish.signCommits ? { signed: signedTarget(io, opts.github) } : {}),
    logger: io.logger,
  });
  if (pushed.status === 'nothing') {
    return {
      status: 'nothing',
      reason: 'Nothing committed: the locks and consumers already match the declarations.',
      ...withRun,
    };
  }
  return {
    status: pushed.status,
    reason:
      pushed.status === 'pushed'
        ? `Committed ${pushed.commit.slice(0, 12)} to ${pr.headRef}: the locks and consumers of ${[...changed, ...removed].join(', ')}.`
        : `Nothing committed: ${pr.headRef} already has this lock commit (${pushed.commit.slice(0, 12)}) from a previous run.`,
    ...withRun,
    commit: pushed.commit,
    signed: pushed.signed,
    uploadedBytes: pushed.uploadedBytes,
  };
}

/** Deletes the lock files of removed streams; returns the paths that existed. */
async function removeLocks(project: LoadedProject, removed: string[], dryRun: boolean): Promise<string[]> {
  const out: string[] = [];
  for (const id of removed) {
    const [namespace, name] = id.split('/', 2) as [string, string];
    const path = lockPath(project.config, namespace, name);
    if (!nodeFs.existsSync(join(project.root, path))) continue;
    out.push(path);
    if (!dryRun) await rm(join(project.root, path));
  }
  return out;
}

/** The API target of a signed commit: the repository and a client for the token. */
function signedTarget(
  io: AppDeps,
  g: GitHubOptions,
): { octokit: ReturnType<typeof connectGitHub>; owner: string; repo: string } {
  if (!g.repository?.includes('/') || !(g.octokit || g.token)) {
    throw new ImagestreamsError(
      'NO_GITHUB',
      'publish.signCommits commits through the GitHub API, which needs the repository (GITHUB_REPOSITORY) and a token.',
      { permanent: true },
    );
  }
  const [owner, repo] = g.repository.split('/', 2) as [string, string];
  const octokit =
    g.octokit ?? connectGitHub(io.logger, { token: g.token!, ...(g.apiUrl ? { apiUrl: g.apiUrl } : {}) });
  return { octokit, owner, repo };
}
