// Create-or-update and close of the one pull request of a branch, idempotent and safe under races:
// an unchanged PR costs one GET, a racing creator's 422 "already exists" turns into an update.

import type { Logger } from '../util/logger.js';
import {
  AUTO_MERGE_PERMISSION,
  autoMergeInSync,
  disableAutoMerge,
  enableAutoMerge,
  type MergeMethod,
} from './auto-merge.js';
import type { GitHubClient } from './client.js';
import {
  answerSays,
  githubError,
  NODE_NOT_RESOLVED_TEXT,
  PR_ALREADY_EXISTS_TEXT,
  statusOf,
} from './errors.js';

/** Which repository, and the branch pair of the PR. */
export interface PullTarget {
  owner: string;
  repo: string;
  /** Head branch (in the same repository). */
  head: string;
  base: string;
}

/** What a PR should look like. Extras are applied once, when the PR is created (labels also on update). */
export interface PullRequestSpec extends PullTarget {
  title: string;
  body: string;
  draft?: boolean;
  labels?: string[];
  reviewers?: string[];
  teamReviewers?: string[];
  assignees?: string[];
  /** Enable auto-merge (GraphQL enablePullRequestAutoMerge) with this method. */
  autoMerge?: MergeMethod;
  /**
   * Keep auto-merge in step on every run, not only at creation: enabled on an open PR when `autoMerge` is set and
   * GitHub has it off, disabled (disablePullRequestAutoMerge) when `autoMerge` is unset and GitHub has it on.
   */
  manageAutoMerge?: boolean;
}

/** The create-or-update result, as peter-evans/create-pull-request reports it. */
export interface PullRequestResult {
  number: number;
  url: string;
  operation: 'created' | 'updated' | 'unchanged' | 'closed';
}

export interface PullsContext {
  octokit: GitHubClient;
  logger?: Logger;
  /** Waits between retries of "Could not resolve to a node" (default 1 s, 2 s, 4 s). */
  sleep?: (ms: number) => Promise<void>;
  retryDelaysMs?: number[];
}

interface PullSummary {
  number: number;
  html_url: string;
  node_id: string;
  title: string;
  body: string | null;
  labels: Array<{ name?: string } | string>;
  /** Null when auto-merge is off. */
  auto_merge?: unknown;
}

const PULLS_WRITE = 'pull-requests: write';

/** The open PR whose head is `head` (same repository) and base is `base`, if any. */
export async function findPullRequest(ctx: PullsContext, t: PullTarget): Promise<PullSummary | null> {
  try {
    const { data } = await ctx.octokit.rest.pulls.list({
      owner: t.owner,
      repo: t.repo,
      state: 'open',
      head: `${t.owner}:${t.head}`,
      base: t.base,
      per_page: 10,
    });
    return (data[0] as PullSummary | undefined) ?? null;
  } catch (e) {
    throw githubError(e, {
      action: `list pull requests of ${t.owner}/${t.repo}`,
      permission: 'pull-requests: read',
    });
  }
}

/** Creates the PR, or updates the open one of the same branch; no write when title and body already match. */
export async function upsertPullRequest(
  ctx: PullsContext,
  spec: PullRequestSpec,
): Promise<PullRequestResult> {
  const existing = await findPullRequest(ctx, spec);
  if (existing) return updateIfDifferent(ctx, spec, existing);
  let created: PullSummary;
  try {
    const { data } = await ctx.octokit.rest.pulls.create({
      owner: spec.owner,
      repo: spec.repo,
      head: spec.head,
      base: spec.base,
      title: spec.title,
      body: spec.body,
      draft: spec.draft ?? false,
      maintainer_can_modify: false,
    });
    created = data as PullSummary;
  } catch (e) {
    if (statusOf(e) === 422 && answerSays(e, PR_ALREADY_EXISTS_TEXT)) {
      // Another run created it between our list and create: update that one instead.
      ctx.logger?.info('pull request created concurrently; updating it', { branch: spec.head });
      const raced = await findPullRequest(ctx, spec);
      if (raced) return updateIfDifferent(ctx, spec, raced);
    }
    throw githubError(e, {
      action: `create a pull request from "${spec.head}" into "${spec.base}"`,
      permission: PULLS_WRITE,
    });
  }
  await applyExtras(ctx, spec, created);
  return { number: created.number, url: created.html_url, operation: 'created' };
}

/** Closes the open PR of the branch, if there is one; returns null when there was none. */
export async function closePullRequest(
  ctx: PullsContext,
  t: PullTarget,
  comment?: string,
): Promise<PullRequestResult | null> {
  const pr = await findPullRequest(ctx, t);
  if (!pr) return null;
  try {
    if (comment) await postComment(ctx, t, pr.number, comment);
    await ctx.octokit.rest.pulls.update({
      owner: t.owner,
      repo: t.repo,
      pull_number: pr.number,
      state: 'closed',
    });
  } catch (e) {
    throw githubError(e, { action: `close pull request #${pr.number}`, permission: PULLS_WRITE });
  }
  return { number: pr.number, url: pr.html_url, operation: 'closed' };
}

/** Posts a new comment on pull request `number`. */
async function postComment(ctx: PullsContext, t: PullTarget, number: number, body: string): Promise<void> {
  await ctx.octokit.rest.issues.createComment({ owner: t.owner, repo: t.repo, issue_number: number, body });
}

/** Adds a comment to the open PR of a branch (used to report a branch left alone); null when no PR. */
export async function commentOnPullRequest(ctx: PullsContext, t: PullTarget, body: string, marker: string) {
  const pr = await findPullRequest(ctx, t);
  if (!pr) return null;
  try {
    const { data } = await ctx.octokit.rest.issues.listComments({
      owner: t.owner,
      repo: t.repo,
      issue_number: pr.number,
      per_page: 100,
    });
    const mine = data.find((c) => c.body?.includes(marker));
    const text = `${body}\n\n${marker}`;
    if (mine && mine.body === text) return pr.number;
    if (mine) {
      await ctx.octokit.rest.issues.updateComment({
        owner: t.owner,
        repo: t.repo,
        comment_id: mine.id,
        body: text,
      });
    } else {
      await postComment(ctx, t, pr.number, text);
    }
    return pr.number;
  } catch (e) {
    throw githubError(e, { action: `comment on pull request #${pr.number}`, permission: PULLS_WRITE });
  }
}

async function updateIfDifferent(
  ctx: PullsContext,
  spec: PullRequestSpec,
  pr: PullSummary,
): Promise<PullRequestResult> {
  const have = new Set(pr.labels.map((l) => (typeof l === 'string' ? l : l.name)));
  const missingLabels = (spec.labels ?? []).filter((l) => !have.has(l));
  const same = pr.title === spec.title && (pr.body ?? '') === spec.body;
  const inSync = autoMergeInSync(pr, spec);
  if (same && missingLabels.length === 0 && inSync)
    return { number: pr.number, url: pr.html_url, operation: 'unchanged' };
  try {
    if (!same) {
      await ctx.octokit.rest.pulls.update({
        owner: spec.owner,
        repo: spec.repo,
        pull_number: pr.number,
        title: spec.title,
        body: spec.body,
      });
    }
    if (missingLabels.length > 0) {
      await ctx.octokit.rest.issues.addLabels({
        owner: spec.owner,
        repo: spec.repo,
        issue_number: pr.number,
        labels: missingLabels,
      });
    }
  } catch (e) {
    throw githubError(e, { action: `update pull request #${pr.number}`, permission: PULLS_WRITE });
  }
  if (!inSync) {
    const method = spec.autoMerge;
    await runSteps(ctx, pr, [
      method
        ? ['enable auto-merge', AUTO_MERGE_PERMISSION, () => enableAutoMerge(ctx.octokit, pr.node_id, method)]
        : ['disable auto-merge', AUTO_MERGE_PERMISSION, () => disableAutoMerge(ctx.octokit, pr.node_id)],
    ]);
  }
  return { number: pr.number, url: pr.html_url, operation: 'updated' };
}

async function applyExtras(ctx: PullsContext, spec: PullRequestSpec, pr: PullSummary): Promise<void> {
  const o = { owner: spec.owner, repo: spec.repo };
  const steps: Array<[string, string, () => Promise<unknown>]> = [];
  if (spec.labels?.length) {
    steps.push([
      'add labels',
      'issues: write',
      () => ctx.octokit.rest.issues.addLabels({ ...o, issue_number: pr.number, labels: spec.labels! }),
    ]);
  }
  if (spec.assignees?.length) {
    steps.push([
      'add assignees',
      'issues: write',
      () =>
        ctx.octokit.rest.issues.addAssignees({ ...o, issue_number: pr.number, assignees: spec.assignees! }),
    ]);
  }
  if (spec.reviewers?.length || spec.teamReviewers?.length) {
    steps.push([
      'request reviewers',
      PULLS_WRITE,
      () =>
        ctx.octokit.rest.pulls.requestReviewers({
          ...o,
          pull_number: pr.number,
          reviewers: spec.reviewers ?? [],
          team_reviewers: spec.teamReviewers ?? [],
        }),
    ]);
  }
  const method = spec.autoMerge;
  if (method) {
    steps.push([
      'enable auto-merge',
      AUTO_MERGE_PERMISSION,
      () => enableAutoMerge(ctx.octokit, pr.node_id, method),
    ]);
  }
  await runSteps(ctx, pr, steps);
}

/** Runs the steps in order, retrying GitHub's "Could not resolve to a node" of a PR just created. */
async function runSteps(
  ctx: PullsContext,
  pr: PullSummary,
  steps: Array<[string, string, () => Promise<unknown>]>,
): Promise<void> {
  const delays = ctx.retryDelaysMs ?? [1000, 2000, 4000];
  const sleep = ctx.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (const [what, permission, run] of steps) {
    for (let attempt = 0; ; attempt++) {
      try {
        await run();
        break;
      } catch (e) {
        const notYet =
          answerSays(e, NODE_NOT_RESOLVED_TEXT) ||
          String((e as Error)?.message ?? '').includes(NODE_NOT_RESOLVED_TEXT);
        if (notYet && attempt < delays.length) {
          await sleep(delays[attempt]!);
          continue;
        }
        throw githubError(e, { action: `${what} on pull request #${pr.number}`, permission });
      }
    }
  }
}
