// The GitHub calls of the dashboard issue (publish.dashboard): find it by label and hidden marker, read it, create
// it, update it in place; and the open pull requests of imagestreams it lists. Failures come back as
// ImagestreamsErrors that say which permission is missing.

import type { GitHubClient } from './client.js';
import { githubError } from './errors.js';

/** Which repository. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** An issue as the dashboard uses it. */
export interface IssueSummary {
  number: number;
  url: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
}

interface IssueData {
  number: number;
  html_url: string;
  title: string;
  body?: string | null;
  state: string;
  pull_request?: unknown;
}

const ISSUES_READ = 'issues: read';
const ISSUES_WRITE = 'issues: write';

const summary = (d: IssueData): IssueSummary => ({
  number: d.number,
  url: d.html_url,
  title: d.title,
  body: d.body ?? '',
  state: d.state === 'closed' ? 'closed' : 'open',
});

/**
 * The issue labelled `label` whose body carries `marker`: the lowest-numbered open one, else the lowest-numbered
 * closed one (closing it does not turn the dashboard off); null when there is none. Pull requests are skipped.
 */
export async function findMarkedIssue(
  octokit: GitHubClient,
  r: RepoRef,
  o: { label: string; marker: string },
): Promise<IssueSummary | null> {
  let items: IssueData[];
  try {
    items = (await octokit.paginate(octokit.rest.issues.listForRepo, {
      ...r,
      labels: o.label,
      state: 'all',
      per_page: 100,
    })) as IssueData[];
  } catch (e) {
    throw githubError(e, { action: `list issues of ${r.owner}/${r.repo}`, permission: ISSUES_READ });
  }
  const marked = items
    .filter((i) => !i.pull_request && (i.body ?? '').includes(o.marker))
    .sort((a, b) => Number(a.state === 'closed') - Number(b.state === 'closed') || a.number - b.number);
  return marked[0] ? summary(marked[0]) : null;
}

/** Issue `number` as it is now. */
export async function getIssue(octokit: GitHubClient, r: RepoRef, number: number): Promise<IssueSummary> {
  try {
    const { data } = await octokit.rest.issues.get({ ...r, issue_number: number });
    return summary(data as IssueData);
  } catch (e) {
    throw githubError(e, { action: `read issue #${number}`, permission: ISSUES_READ });
  }
}

/** Creates an issue. */
export async function createIssue(
  octokit: GitHubClient,
  r: RepoRef,
  spec: { title: string; body: string; labels: string[] },
): Promise<IssueSummary> {
  try {
    const { data } = await octokit.rest.issues.create({ ...r, ...spec });
    return summary(data as IssueData);
  } catch (e) {
    throw githubError(e, { action: `create the issue "${spec.title}"`, permission: ISSUES_WRITE });
  }
}

/** Sets the title and body of issue `number`. */
export async function updateIssue(
  octokit: GitHubClient,
  r: RepoRef,
  number: number,
  spec: { title: string; body: string },
): Promise<IssueSummary> {
  try {
    const { data } = await octokit.rest.issues.update({ ...r, issue_number: number, ...spec });
    return summary(data as IssueData);
  } catch (e) {
    throw githubError(e, { action: `update issue #${number}`, permission: ISSUES_WRITE });
  }
}

/** The open pull requests whose head branch (in this repository) starts with `prefix`. */
export async function listOpenPullsByPrefix(
  octokit: GitHubClient,
  r: RepoRef,
  prefix: string,
): Promise<{ number: number; title: string; branch: string }[]> {
  try {
    const pulls = await octokit.paginate(octokit.rest.pulls.list, { ...r, state: 'open', per_page: 100 });
    return pulls
      .filter((p) => p.head.ref.startsWith(prefix) && p.head.repo?.full_name === `${r.owner}/${r.repo}`)
      .map((p) => ({ number: p.number, title: p.title, branch: p.head.ref }));
  } catch (e) {
    throw githubError(e, {
      action: `list pull requests of ${r.owner}/${r.repo}`,
      permission: 'pull-requests: read',
    });
  }
}
