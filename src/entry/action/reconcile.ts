// Mode `reconcile` (not on a pull request): the main job — reconcile, then publish (commit or pull requests).

import { runJob } from '../../app/job.js';
import { omitUndefined } from '../../util/omit-undefined.js';
import { progressReporter } from '../progress.js';
import { type ModeRun, recordPublish, reportRun } from './outcome.js';

/** The reconcile mode. */
export async function reconcileMode(m: ModeRun): Promise<number> {
  const { inputs, ctx, io, outcome } = m;
  const only = inputs.streams.length > 0 ? new Set(inputs.streams) : undefined;
  const job = await runJob(io, {
    project: inputs.config ? { configPath: inputs.config } : {},
    streams: omitUndefined({ only }),
    registry: { withMetadata: inputs.metadata },
    github: {
      ...(inputs.token ? { token: inputs.token } : {}),
      ...(ctx.repository ? { repository: ctx.repository } : {}),
      ...(ctx.apiUrl ? { apiUrl: ctx.apiUrl } : {}),
    },
    publish: inputs.publish ? { mode: inputs.publish } : {},
    dryRun: inputs.dryRun,
    onProgress: progressReporter(io),
  });
  const code = reportRun(m, job.run, job.publish);
  if (job.publish) recordPublish(outcome, job.publish);
  // The dashboard issue is a view: its failure is a warning, never the step's failure (docs/publishing.md).
  const d = job.dashboard;
  if (d?.status === 'failed')
    outcome.warnings.push(`the dashboard issue was not updated: ${d.error?.message}`);
  if (d?.ignored.length) {
    outcome.warnings.push(
      `the dashboard issue has ticked lines that name no declared stream tag (ignored): ${d.ignored.join('; ')}`,
    );
  }
  return code;
}
