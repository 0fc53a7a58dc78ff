// The main job: reconcile, then publish the result (commit, pull requests, or nothing). The CLI's
// `reconcile --publish`, the Action and the daemon all run this; only they read env, and pass it in here.

import type { PublishResult } from '../publish/publish.js';
import { publishSkipReason } from '../publish/skip.js';
import { omitUndefined } from '../util/omit-undefined.js';
import type { DashboardOutcome } from './dashboard.js';
import type { AppDeps } from './deps.js';
import type { GitHubOptions } from './github.js';
import { openProject } from './project.js';
import type { PublishRunOptions } from './publish-run.js';
import { type RunReconcileOptions, type RunReconcileResult, runReconcile } from './reconcile.js';

/**
 * Options of the whole job, in parts built once by the entry point: the reconcile parts (project, streams,
 * registry), `github` (defaults from the GitHub Actions environment) and `publish` (mode defaults to the config's).
 */
export interface JobOptions extends RunReconcileOptions {
  github?: GitHubOptions;
  publish?: PublishRunOptions;
  /** Called with the lock files seeded from open PR branches, before the run (the daemon puts them back later). */
  onSeeded?: (files: string[]) => void;
}

/** What the job did. */
export interface JobResult {
  run: RunReconcileResult;
  publish?: PublishResult;
  /** The dashboard issue (publish.dashboard): what became of it; a failure here does not fail the job. */
  dashboard?: DashboardOutcome;
  /** Lock files taken from open pull request branches before the run (pull-request mode). */
  seeded?: string[];
}

/**
 * The GitHub part with its defaults from the environment. A run for a fork uses no token; an empty value counts
 * as not given.
 */
export function githubWithDefaults(
  env: AppDeps['env'],
  given: GitHubOptions = {},
  fork?: boolean,
): GitHubOptions {
  return omitUndefined({
    token: fork ? undefined : (given.token ?? env.GITHUB_TOKEN) || undefined,
    repository: (given.repository ?? env.GITHUB_REPOSITORY) || undefined,
    apiUrl: (given.apiUrl ?? env.GITHUB_API_URL) || undefined,
    octokit: given.octokit,
  });
}

/** Reconcile, then publish according to mode. Publishing never runs when the run was invalid. */
export async function runJob(io: AppDeps, opts: JobOptions = {}): Promise<JobResult> {
  const fork = opts.publish?.fork;
  const github = githubWithDefaults(io.env, opts.github, fork);
  const reachable = Boolean(github.repository?.includes('/') && (github.octokit || github.token));
  const publishing = reachable && !fork && !opts.dryRun && opts.publish?.mode !== 'none';
  // Loaded once for seeding, the dashboard and the run.
  const loaded = publishing
    ? (opts.project?.loaded ??
      (await openProject(io.cwd, omitUndefined({ configPath: opts.project?.configPath }))))
    : undefined;
  const withProject: JobOptions = loaded ? { ...opts, project: { ...opts.project, loaded } } : opts;
  // Pull-request mode: state the open PR branches hold (soak ledger, on-demand imports) is seeded first. A dry
  // run writes nothing, so it reconciles from the work tree as it is.
  let seeded: string[] = [];
  if (loaded && github.token && (opts.publish?.mode ?? loaded.config.publish.mode) === 'pull-request') {
    const { seedLocks } = await import('./seed-locks.js');
    seeded = await seedLocks(io, loaded, {
      token: github.token,
      ...omitUndefined({ publish: opts.publish }),
    });
    if (seeded.length > 0) opts.onSeeded?.(seeded);
  }
  const seededPart = seeded.length > 0 ? { seeded } : {};
  // The dashboard's ticked boxes are read before the run (they force imports); its module loads only when it may.
  const dashboard = loaded
    ? await (await import('./dashboard.js')).openDashboard(
        io,
        withProject,
        github as typeof github & { repository: string },
        opts.publish?.mode,
      )
    : undefined;
  // The main job runs on the default branch: an invalid stream is skipped and reported, the rest reconcile.
  const reconcileOpts = dashboard?.options ?? withProject;
  const run = await runReconcile(io, {
    ...reconcileOpts,
    streams: { skipInvalid: true, ...reconcileOpts.streams },
  });
  if (run.status === 'invalid' || !run.project || !run.result) return { run, ...seededPart };
  const publish = { ...opts.publish, mode: opts.publish?.mode ?? run.project.config.publish.mode };
  const { mode } = publish;
  const hasGithub = mode === 'pull-request' && reachable;
  const skipped = publishSkipReason({
    mode,
    github: hasGithub,
    ...omitUndefined({ fork, dryRun: opts.dryRun, token: github.token }),
  });
  if (skipped) return { run, publish: { mode, skipped, groups: [] }, ...seededPart };
  // git and GitHub modules load only when something may be published (they cost start-up time).
  const { publishRun } = await import('./publish-run.js');
  const only = opts.streams?.only;
  const published = await publishRun(io, run, {
    publish,
    github,
    ...omitUndefined({ dryRun: opts.dryRun, only }),
  });
  return {
    run,
    publish: published,
    ...omitUndefined({ dashboard: await dashboard?.finish(run) }),
    ...seededPart,
  };
}
