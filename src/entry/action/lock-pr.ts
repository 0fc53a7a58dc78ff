// Input `lock-pr: true` on a pull_request event: the lock-PR job (src/app/lock-pr.ts) commits the locks and
// consumers of the pull request's declaration edits to its own branch, then the plan runs on the result (validate,
// verify, the dry-run reconcile and its comment). A fork's pull request is validated only: no token, no push.

import { type LockPrResult, lockPullRequest } from '../../app/lock-pr.js';
import { reconcileJson } from '../commands/reconcile.js';
import { EXIT } from '../io.js';
import { type ModeRun, worst } from './outcome.js';
import { planMode } from './plan.js';

/** The lock-PR mode: lock, then plan. */
export async function lockPrMode(m: ModeRun): Promise<number> {
  const { inputs, ctx, io, outcome, failures } = m;
  const pr = ctx.pullRequest!;
  if (!pr.headSha || !pr.baseSha) {
    failures.push('lock-pr: the event has no pull_request.head.sha or pull_request.base.sha');
    return EXIT.USAGE;
  }
  const token = pr.fork ? undefined : io.env.GITHUB_TOKEN;
  const r = await lockPullRequest(io, {
    pr: {
      number: pr.number,
      headRef: pr.headRef,
      headSha: pr.headSha,
      baseSha: pr.baseSha,
      fork: pr.fork,
      ...(pr.headRepository ? { headRepository: pr.headRepository } : {}),
    },
    ...(inputs.config ? { configPath: inputs.config } : {}),
    github: {
      ...(token ? { token } : {}),
      ...(ctx.repository ? { repository: ctx.repository } : {}),
      ...(ctx.apiUrl ? { apiUrl: ctx.apiUrl } : {}),
    },
    registry: { withMetadata: inputs.metadata },
    dryRun: inputs.dryRun,
  });
  io.stderr(`lock-pr: ${r.reason}\n`);
  outcome.result.lockPr = lockPrJson(r);
  outcome.summary.notes!.push(`Lock PR: ${r.reason}`);
  const code = r.status === 'failed' ? EXIT.FAILURE : EXIT.OK;
  if (r.error) failures.push(`lock-pr: ${r.error.message} ${r.error.hint}`);
  else if (r.status === 'failed') failures.push(`lock-pr: ${r.reason}`);
  const planCode = await planMode(m);
  if (r.status === 'pushed' || r.status === 'dry-run')
    outcome.changed = outcome.changed || r.files.length > 0;
  return worst(code, planCode);
}

/** The result output's `lockPr` part. */
function lockPrJson(r: LockPrResult): Record<string, unknown> {
  const { run, ...rest } = r;
  return { ...rest, ...(run ? { reconcile: reconcileJson(run) } : {}) };
}
