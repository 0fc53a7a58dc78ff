// Post-merge triggers: repository_dispatch and workflow_dispatch, the two events a GITHUB_TOKEN can start
// workflows with (pull requests it opens do not start pull_request workflows).

import type { GitHubClient } from './client.js';
import { githubError } from './errors.js';

/** What moved, sent as the dispatch payload/inputs. */
export interface DispatchPayload {
  namespace: string;
  stream: string;
  tag: string;
  /** Previous digest (empty for a first import). */
  from: string;
  to: string;
  /** The new `repo@digest` reference. */
  reference: string;
}

/** Sends `repository_dispatch` (event type default `imagestreams`) to owner/repo; needs contents: write. */
export async function repositoryDispatch(
  octokit: GitHubClient,
  t: { owner: string; repo: string; eventType?: string },
  payload: DispatchPayload,
): Promise<void> {
  try {
    await octokit.rest.repos.createDispatchEvent({
      owner: t.owner,
      repo: t.repo,
      event_type: t.eventType ?? 'imagestreams',
      client_payload: { ...payload },
    });
  } catch (e) {
    throw githubError(e, {
      action: `send repository_dispatch to ${t.owner}/${t.repo}`,
      permission: 'contents: write',
    });
  }
}

/** Starts a workflow (`workflow_dispatch`) with the payload as string inputs; needs actions: write. */
export async function workflowDispatch(
  octokit: GitHubClient,
  t: { owner: string; repo: string; workflow: string; ref: string; inputs?: Record<string, string> },
  payload: DispatchPayload,
): Promise<void> {
  try {
    await octokit.rest.actions.createWorkflowDispatch({
      owner: t.owner,
      repo: t.repo,
      workflow_id: t.workflow,
      ref: t.ref,
      inputs: { ...payload, ...t.inputs },
    });
  } catch (e) {
    throw githubError(e, {
      action: `start workflow ${t.workflow} in ${t.owner}/${t.repo}`,
      permission: 'actions: write',
    });
  }
}
