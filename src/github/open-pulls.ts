// How many pull requests are open from branches under a prefix (imagestreams' own), for `publish.maxOpenPullRequests`.

import { githubError } from './errors.js';
import type { PullsContext } from './pulls.js';

/** Open PRs of `owner/repo` whose head branch starts with `prefix` (every page). */
export async function countOpenPulls(
  ctx: PullsContext,
  t: { owner: string; repo: string; prefix: string },
): Promise<number> {
  try {
    const pulls = await ctx.octokit.paginate(ctx.octokit.rest.pulls.list, {
      owner: t.owner,
      repo: t.repo,
      state: 'open',
      per_page: 100,
    });
    const own = `${t.owner}/${t.repo}`.toLowerCase();
    return pulls.filter(
      (p) => p.head.ref.startsWith(t.prefix) && p.head.repo?.full_name?.toLowerCase() === own,
    ).length;
  } catch (e) {
    throw githubError(e, {
      action: `list open pull requests of ${t.owner}/${t.repo}`,
      permission: 'pull-requests: read',
    });
  }
}
