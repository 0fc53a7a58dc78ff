// Mode `plan` (and `reconcile` on a pull request event): validate, verify, then a dry run of the reconcile, and
// one plan comment on the pull request. A fork's pull request gets no credentials: no dry run, no comment, and
// verify --registry runs anonymously.

import { connectGitHub } from '../../app/github.js';
import { type RunReconcileResult, runReconcile } from '../../app/reconcile.js';
import { commentOnPullRequest } from '../../github/pulls.js';
import { PLAN_COMMENT_MARKER, renderPlanComment } from '../../render/summary.js';
import { EXIT } from '../io.js';
import type { EventPullRequest } from './context.js';
import { type ModeRun, reportRun, summaryRun, worst } from './outcome.js';
import { validateStep } from './validate.js';
import { verifyMode } from './verify.js';
import { verifyRegistryStep } from './verify-registry.js';

/** The plan mode. */
export async function planMode(m: ModeRun): Promise<number> {
  const { inputs, ctx, io, outcome } = m;
  const pr = ctx.pullRequest;
  const fork = pr?.fork === true;
  const only = inputs.streams.length > 0 ? new Set(inputs.streams) : undefined;
  const v = await validateStep(m);
  const verified = await verifyMode(m);
  const registryChecked = await verifyRegistryStep(m, { anonymous: fork });
  let planCode: number = EXIT.OK;
  let run: RunReconcileResult | undefined;
  if (fork) {
    outcome.summary.notes!.push(
      `Plan skipped: pull request #${pr.number} comes from a fork (${pr.headRepository ?? 'a deleted repository'}). ` +
        'Runs for forks get no credentials, so no token or registry credential was used and the dry run did not ' +
        'contact any registry; validation, verify and an anonymous verify --registry ran. The plan runs once the ' +
        'change is in a branch of this repository.',
    );
    outcome.result.fork = true;
  } else if (v.code !== EXIT.OK) {
    outcome.summary.notes!.push('Plan skipped: the declarations are invalid (see Validation).');
  } else {
    run = await runReconcile(io, {
      dryRun: true,
      project: { loaded: v.result.project },
      streams: only ? { only } : {},
      registry: { withMetadata: inputs.metadata },
    });
    planCode = reportRun(m, run);
  }
  if (pr && !fork) {
    outcome.summary.comment = await commentPlan(m, pr, {
      ...(run && summaryRun(run) ? { run: summaryRun(run)! } : {}),
      validationErrors: v.result.errors,
      verifyProblems: outcome.summary.verify?.findings.length ?? 0,
      ...(pr.headSha ? { sha: pr.headSha } : {}),
    }).catch((e: unknown) => {
      const msg = m.mask(e instanceof Error ? e.message : String(e));
      outcome.warnings.push(`the plan comment could not be written: ${msg}`);
      return { skipped: msg };
    });
    outcome.result.comment = outcome.summary.comment;
  } else if (pr && fork) {
    outcome.summary.comment = { skipped: 'pull requests from forks get no token to comment with' };
  }
  return worst(v.code, verified, registryChecked, planCode);
}

/** Creates or updates the one plan comment on the pull request. */
async function commentPlan(
  m: ModeRun,
  pr: EventPullRequest,
  plan: Parameters<typeof renderPlanComment>[0],
): Promise<{ number: number } | { skipped: string }> {
  const { inputs, ctx, io } = m;
  if (!inputs.comment) return { skipped: 'the comment input is false' };
  const token = io.env.GITHUB_TOKEN;
  if (!token) return { skipped: 'no token (set the token input)' };
  if (!ctx.repository?.includes('/')) return { skipped: 'GITHUB_REPOSITORY is not set' };
  const [owner, repo] = ctx.repository.split('/', 2) as [string, string];
  const octokit = connectGitHub(io.logger, { token, ...(ctx.apiUrl ? { apiUrl: ctx.apiUrl } : {}) });
  const number = await commentOnPullRequest(
    { octokit, logger: io.logger },
    { owner, repo, head: pr.headRef, base: pr.baseRef },
    renderPlanComment(plan),
    PLAN_COMMENT_MARKER,
  );
  return number === null ? { skipped: `pull request #${pr.number} is not open` } : { number };
}
