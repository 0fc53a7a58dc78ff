// The dashboard issue of a publishing run (publish.dashboard). Before the run: find the issue and read its ticked
// "import now" boxes, keeping only declared stream tags, which the run then imports whatever their schedule says.
// After publishing: render the body from the locks and the open pull requests and write it only when it changed,
// un-ticking the boxes this run has served. A dashboard failure is a warning in the result: it never fails or
// undoes the run's pull requests.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DASHBOARD_LABEL, type DashboardConfig } from '../config/config.js';
import type { GitHubClient } from '../github/client.js';
import {
  createIssue,
  findMarkedIssue,
  getIssue,
  type IssueSummary,
  listOpenPullsByPrefix,
  type RepoRef,
  updateIssue,
} from '../github/issues.js';
import type { LoadedProject } from '../loader/load.js';
import { parseLock } from '../loader/lock-file.js';
import { ImagestreamsError } from '../model/errors.js';
import type { StreamLock } from '../model/lock.js';
import { formatStreamTag } from '../model/stream-tag.js';
import type { StreamLike } from '../policy/tag-spec.js';
import {
  DASHBOARD_MARKER,
  type DeclaredStream,
  dashboardStreams,
  renderDashboard,
} from '../render/dashboard.js';
import { parseDashboardTicks } from '../render/dashboard-ticks.js';
import { omitUndefined } from '../util/omit-undefined.js';
import type { AppDeps } from './deps.js';
import type { GitHubOptions } from './github.js';
import { openProject } from './project.js';
import type { RunReconcileOptions, RunReconcileResult } from './reconcile.js';

/** What the dashboard did in a run. */
export interface DashboardOutcome {
  /** failed: the issue could not be read or written (a warning; the exit code is the run's own). */
  status: 'created' | 'updated' | 'unchanged' | 'failed';
  issue?: { number: number; url: string };
  /** Declared tags whose box was ticked, imported in this run. */
  forced: string[];
  /** Ticked lines that name no declared stream tag: ignored. */
  ignored: string[];
  error?: { code: string; message: string };
}

/** A run's dashboard: the reconcile options with the ticked tags forced, and the step after publishing. */
export interface DashboardSession {
  options: RunReconcileOptions;
  /** Updates the issue after publishing; undefined when the dashboard is off or the run did not reconcile. */
  finish(run: RunReconcileResult): Promise<DashboardOutcome | undefined>;
}

/**
 * Loads the project (once, for the run too) and, when publish.dashboard is on, reads the issue's ticked boxes.
 * Only called when publishing can happen (GitHub reachable, a token, not a dry run, not a fork).
 */
export async function openDashboard(
  io: AppDeps,
  opts: RunReconcileOptions,
  github: GitHubOptions & { repository: string },
  mode: string | undefined,
): Promise<DashboardSession> {
  const project =
    opts.project?.loaded ??
    (await openProject(io.cwd, omitUndefined({ configPath: opts.project?.configPath })));
  const options: RunReconcileOptions = { ...opts, project: { ...opts.project, loaded: project } };
  const config = project.config.publish.dashboard;
  if (!config || (mode ?? project.config.publish.mode) === 'none')
    return { options, finish: async () => undefined };
  const [owner, repo] = github.repository.split('/', 2) as [string, string];
  // Octokit loads only when the dashboard is on (commit-mode runs need no client otherwise).
  const { connectGitHub } = await import('./github.js');
  const ctx: DashboardContext = {
    io,
    config,
    repo: { owner, repo },
    only: opts.streams?.only,
    octokit:
      github.octokit ??
      connectGitHub(io.logger, { token: github.token!, ...omitUndefined({ apiUrl: github.apiUrl }) }),
  };
  const before = await readTicks(ctx, declaredKeys(project));
  const forced = new Set([...(opts.streams?.forced ?? []), ...before.ticked]);
  if (before.ticked.length > 0)
    io.logger.info('dashboard: importing the ticked tags now', { tags: before.ticked });
  return {
    options: { ...options, streams: { ...opts.streams, ...(forced.size ? { forced } : {}) } },
    finish: (run) => finishDashboard(ctx, run, before),
  };
}

interface DashboardContext {
  io: AppDeps;
  config: DashboardConfig;
  repo: RepoRef;
  octokit: GitHubClient;
  /** The run's stream selection (`--stream`, the daemon's pushes). */
  only?: ReadonlySet<string> | undefined;
}

/** The issue and its ticked boxes before the run (`found: false` when the read failed). */
interface BeforeRun {
  found: boolean;
  issue: IssueSummary | null;
  ticked: string[];
  ignored: string[];
  error?: ImagestreamsError;
}

function declared(project: LoadedProject): DeclaredStream[] {
  return project.streams.map((s) => ({
    namespace: s.namespace,
    name: s.name,
    tags: ((s.object as StreamLike).spec?.tags ?? []).map((t) => t.name),
  }));
}

function declaredKeys(project: LoadedProject): Set<string> {
  return new Set(
    declared(project).flatMap((s) =>
      s.tags.map((tag) => formatStreamTag({ namespace: s.namespace, stream: s.name, tag })),
    ),
  );
}

async function readTicks(ctx: DashboardContext, keys: ReadonlySet<string>): Promise<BeforeRun> {
  try {
    const issue = await findMarkedIssue(ctx.octokit, ctx.repo, {
      label: DASHBOARD_LABEL,
      marker: DASHBOARD_MARKER,
    });
    const { ticked, ignored } = parseDashboardTicks(issue?.body, keys);
    if (ignored.length > 0) {
      ctx.io.logger.warn('dashboard: ignored ticked lines that name no declared stream tag', {
        issue: issue!.number,
        lines: ignored.slice(0, 20),
      });
    }
    return { found: true, issue, ticked, ignored };
  } catch (e) {
    const error = asError(e);
    ctx.io.logger.warn(`dashboard: could not read the issue; no tag is imported for it: ${error.message}`);
    return { found: false, issue: null, ticked: [], ignored: [], error };
  }
}

/** Renders the body and writes it when it differs; a failure is returned, never thrown. */
async function finishDashboard(
  ctx: DashboardContext,
  run: RunReconcileResult,
  before: BeforeRun,
): Promise<DashboardOutcome | undefined> {
  if (!run.project || !run.result) return undefined;
  const served = servedTicks(run, before.ticked, ctx.only);
  const outcome: DashboardOutcome = { status: 'unchanged', forced: served, ignored: before.ignored };
  try {
    const { octokit, repo, config } = ctx;
    // Read again: a box ticked while the run was working stays ticked for the next one.
    const issue = before.issue
      ? await getIssue(octokit, repo, before.issue.number)
      : before.found
        ? null
        : await findMarkedIssue(octokit, repo, { label: DASHBOARD_LABEL, marker: DASHBOARD_MARKER });
    const keys = declaredKeys(run.project);
    const carried = parseDashboardTicks(issue?.body, keys).ticked.filter((k) => !served.includes(k));
    const pulls = await listOpenPullsByPrefix(octokit, repo, run.project.config.publish.branchPrefix);
    const body = renderDashboard({
      streams: dashboardStreams(declared(run.project), await publishedLocks(run)),
      pulls,
      ticked: new Set(carried),
    });
    const spec = { title: config.title, body };
    if (!issue) {
      const made = await createIssue(octokit, repo, { ...spec, labels: config.labels });
      return { ...outcome, status: 'created', issue: { number: made.number, url: made.url } };
    }
    const ref = { number: issue.number, url: issue.url };
    if (same(issue.body, body) && issue.title === config.title) return { ...outcome, issue: ref };
    await updateIssue(octokit, repo, issue.number, spec);
    return { ...outcome, status: 'updated', issue: ref };
  } catch (e) {
    const error = asError(e);
    ctx.io.logger.warn(
      `dashboard: could not update the issue (the run's pull requests stand): ${error.message}`,
    );
    return { ...outcome, status: 'failed', error: { code: error.code, message: error.message } };
  }
}

/**
 * Ticked tags this run served: those of the streams it reconciled (`only` limits them; streams skipped for errors
 * are not in the project), unless their import was skipped (deadline, rate limit): those stay ticked.
 */
function servedTicks(
  run: RunReconcileResult,
  ticked: string[],
  only: ReadonlySet<string> | undefined,
): string[] {
  const inRun = new Set(run.project!.streams.map((s) => `${s.namespace}/${s.name}`));
  const skipped = new Set(
    run.result!.imports.filter((i) => !i.result.ok && i.result.skipped).map((i) => i.key),
  );
  return ticked.filter((k) => {
    const stream = k.slice(0, k.lastIndexOf(':'));
    return inRun.has(stream) && (!only || only.has(stream)) && !skipped.has(k);
  });
}

/**
 * The run's locks as published: publishing keeps the first-seen times an open PR branch already proposes (it
 * rewrites those lock files' text), so the dashboard shows them too and a quiet run renders the same body.
 */
async function publishedLocks(run: RunReconcileResult): Promise<Map<string, StreamLock>> {
  const locks = new Map(run.result!.locks);
  for (const f of run.result!.lockFiles) {
    try {
      // The run holds no lock texts: read back what it wrote (and publishing may have rewritten).
      const lock = parseLock(await readFile(join(run.project!.root, f.path), 'utf8'), f.path);
      locks.set(`${lock.metadata.namespace}/${lock.metadata.name}`, lock);
    } catch {
      // the run's own lock: it parses; if not, the computed one is shown
    }
  }
  return locks;
}

/** GitHub may store a body with CRLF line ends or without the final newline. */
function same(stored: string, rendered: string): boolean {
  const norm = (s: string) => s.replace(/\r\n/g, '\n').trimEnd();
  return norm(stored) === norm(rendered);
}

function asError(e: unknown): ImagestreamsError {
  return e instanceof ImagestreamsError
    ? e
    : new ImagestreamsError('GITHUB_API_FAILED', String((e as Error)?.message ?? e), { cause: e });
}
