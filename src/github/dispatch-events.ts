// The sending half of `imagestreams dispatch`: repository_dispatch and workflow_dispatch with bodies built by
// src/plan/dispatch-plan.ts (one event per image digest), the default-branch lookup a workflow_dispatch needs, and
// errors that name the missing permission with every token masked.

import type { RepositoryDispatchBody } from '../plan/dispatch-payload.js';
import type { GitHubClient } from './client.js';
import { githubError } from './errors.js';

/** Which repository, and the secrets to keep out of error messages. */
export interface DispatchRepo {
  owner: string;
  repo: string;
  secrets?: Array<string | undefined>;
}

/** POST /repos/{owner}/{repo}/dispatches (GitHub answers 204); needs contents: write. */
export async function sendRepositoryDispatch(
  octokit: GitHubClient,
  t: DispatchRepo & { body: RepositoryDispatchBody },
): Promise<void> {
  try {
    await octokit.rest.repos.createDispatchEvent({
      owner: t.owner,
      repo: t.repo,
      event_type: t.body.event_type,
      client_payload: { ...t.body.client_payload },
    });
  } catch (e) {
    throw githubError(e, {
      action: `send repository_dispatch "${t.body.event_type}" to ${t.owner}/${t.repo}`,
      permission: 'contents: write',
      ...(t.secrets ? { secrets: t.secrets } : {}),
    });
  }
}

/** The repository's default branch (a workflow_dispatch without a configured ref runs there). */
export async function defaultBranch(octokit: GitHubClient, t: DispatchRepo): Promise<string> {
  try {
    const { data } = await octokit.rest.repos.get({ owner: t.owner, repo: t.repo });
    return data.default_branch;
  } catch (e) {
    throw githubError(e, {
      action: `read the default branch of ${t.owner}/${t.repo}`,
      permission: 'metadata: read',
      ...(t.secrets ? { secrets: t.secrets } : {}),
    });
  }
}

/** POST …/actions/workflows/{workflow}/dispatches; the workflow must declare every input; needs actions: write. */
export async function sendWorkflowDispatch(
  octokit: GitHubClient,
  t: DispatchRepo & { workflow: string; ref: string; inputs: Record<string, string> },
): Promise<void> {
  try {
    await octokit.rest.actions.createWorkflowDispatch({
      owner: t.owner,
      repo: t.repo,
      workflow_id: /^\d+$/.test(t.workflow) ? Number(t.workflow) : t.workflow,
      ref: t.ref,
      inputs: t.inputs,
    });
  } catch (e) {
    throw githubError(e, {
      action:
        `start workflow ${t.workflow} on ${t.owner}/${t.repo}@${t.ref} (it needs an \`on: workflow_dispatch\` ` +
        'trigger that declares every input sent)',
      permission: 'actions: write',
      ...(t.secrets ? { secrets: t.secrets } : {}),
    });
  }
}
