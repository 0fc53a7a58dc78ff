// The main job: reconcile, then publish the result (commit, pull requests, or nothing). The CLI's
// `reconcile --publish`, the Action and the daemon all run this; only they read env, and pass it in here.

import type { PublishMode, PublishResult } from '../publish/publish.js';
import { publishSkipReason } from '../publish/skip.js';
import type { AppDeps } from './deps.js';
import type { PublishRunOptions } from './publish-run.js';
import { type RunReconcileOptions, type RunReconcileResult, runReconcile } from './reconcile.js';

/** Options of the whole job; defaults come from the config and then the GitHub Actions environment. */
export interface JobOptions extends RunReconcileOptions, PublishRunOptions {
  /** Overrides config `publish.mode`. */
  publishMode?: PublishMode;
  /** Token for git pushes and the API (default: GITHUB_TOKEN). */
  token?: string;
  /** `owner/repo` (default: GITHUB_REPOSITORY, else derived from the origin URL by publish). */
  repository?: string;
}

/** What the job did. */
export interface JobResult {
  run: RunReconcileResult;
  publish?: PublishResult;
}

/** Reconcile, then publish according to mode. Publishing never runs when the run was invalid. */
export async function runJob(io: AppDeps, opts: JobOptions = {}): Promise<JobResult> {
  // The main job runs on the default branch: an invalid stream is skipped and reported, the rest reconcile.
  const run = await runReconcile(io, { skipInvalidStreams: true, ...opts });
  if (run.status === 'invalid' || !run.project || !run.result) return { run };
  const { config } = run.project;
  const mode = opts.publishMode ?? config.publish.mode;
  const token = opts.fork ? undefined : (opts.token ?? io.env.GITHUB_TOKEN);
  const repository = opts.repository ?? io.env.GITHUB_REPOSITORY;
  const hasGithub =
    mode === 'pull-request' && Boolean(repository?.includes('/')) && Boolean(opts.octokit || token);
  const skipped = publishSkipReason({
    mode,
    github: hasGithub,
    ...(opts.fork ? { fork: true } : {}),
    ...(opts.dryRun ? { dryRun: true } : {}),
    ...(token ? { token } : {}),
  });
  if (skipped) return { run, publish: { mode, skipped, groups: [] } };
  // git and GitHub modules load only when something may be published (they cost start-up time).
  const { publishRun } = await import('./publish-run.js');
  return {
    run,
    publish: await publishRun(io, run, opts, {
      mode,
      ...(token ? { token } : {}),
      ...(repository ? { repository } : {}),
    }),
  };
}
