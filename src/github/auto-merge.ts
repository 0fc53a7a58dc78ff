// GitHub auto-merge of a pull request, through GraphQL (REST has no endpoint for it): enabled with a merge method,
// and disabled again when a PR managed by `autoMerge: {only: digest}` stops qualifying.

import type { GitHubClient } from './client.js';

/** A merge method as GraphQL's PullRequestMergeMethod spells it. */
export type MergeMethod = 'MERGE' | 'SQUASH' | 'REBASE';

/** The permissions the mutations need, for error messages. */
export const AUTO_MERGE_PERMISSION =
  'contents: write and pull-requests: write (and auto-merge allowed in the repository settings)';

/** Turns auto-merge on for the PR with GraphQL id `nodeId`. */
export function enableAutoMerge(
  octokit: GitHubClient,
  nodeId: string,
  method: MergeMethod,
): Promise<unknown> {
  return octokit.graphql(
    'mutation($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod) { enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, mergeMethod: $mergeMethod}) { pullRequest { number } } }',
    { pullRequestId: nodeId, mergeMethod: method },
  );
}

/** Turns auto-merge off for the PR with GraphQL id `nodeId`. */
export function disableAutoMerge(octokit: GitHubClient, nodeId: string): Promise<unknown> {
  return octokit.graphql(
    'mutation($pullRequestId: ID!) { disablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId}) { pullRequest { number } } }',
    { pullRequestId: nodeId },
  );
}

/** What a managed PR's auto-merge should be, and whether the PR as listed (REST `auto_merge`) already is so. */
export function autoMergeInSync(
  pr: { auto_merge?: unknown },
  spec: { autoMerge?: MergeMethod; manageAutoMerge?: boolean },
): boolean {
  if (!spec.manageAutoMerge) return true;
  return Boolean(spec.autoMerge) === Boolean(pr.auto_merge);
}
