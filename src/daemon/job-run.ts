// One run of the daemon: prepare the working copy, load the project, pick the streams the batch concerns, run
// the job and put the work tree back; then the run's summary for metrics and its log line. Failures come back
// as results, so the run loop alone decides about retries.

import type { LoadedProject } from '../loader/load.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { PublishMode, PublishResult } from '../publish/publish.js';
import type { Logger } from '../util/logger.js';
import { matchPushes, type PushIndex, streamsFor } from './match.js';
import type { RunSummary } from './metrics.js';
import type { Batch, Trigger } from './queue.js';
import type { Workspace } from './workspace.js';

/** One job as the daemon asks for it. */
export interface JobRequest {
  project: LoadedProject;
  only?: ReadonlySet<string>;
  forced?: ReadonlySet<string>;
  scheduledDue: (key: string) => boolean;
  /** Lock files the job seeded from open PR branches (the workspace puts them back to HEAD). */
  onSeeded?: (files: string[]) => void;
}

/** The working copy as the daemon uses it (workspace.ts in production). */
export type DaemonWorkspace = Pick<Workspace, 'prepare' | 'touch' | 'finish'>;

/** The parts of a job's result the daemon reads (the job runner's result has them). */
export interface JobOutcome {
  run: {
    status: 'ok' | 'failed' | 'invalid';
    diagnostics: readonly Diagnostic[];
    written: readonly string[];
    result?: {
      imports: readonly {
        key: string;
        namespace: string;
        stream: string;
        result: { ok: boolean; skipped?: boolean };
      }[];
      changes: readonly unknown[];
    };
    registryStats?: { hosts: Record<string, { rateLimit?: { remaining?: number } }> };
  };
  publish?: PublishResult;
}

/** What a run needs. */
export interface BatchRunner {
  workspace: DaemonWorkspace;
  runJob(req: JobRequest): Promise<JobOutcome>;
  clock: { now(): number };
  logger: Logger;
  /** Applies the loaded project's settings to the daemon and returns its push index. */
  configure(project: LoadedProject): PushIndex;
}

/** How a run ended: ignored (its pushes concern no tag at this commit), ran, or failed as a whole. */
export type BatchRun =
  | { kind: 'ignored' }
  | { kind: 'ran'; job: JobOutcome }
  | { kind: 'failed'; error: unknown; job?: JobOutcome };

/** Runs the job for `batch`; never throws. */
export async function runBatchJob(r: BatchRunner, batch: Batch, trigger: Trigger): Promise<BatchRun> {
  const pushes = [...batch.pushes.values()];
  let job: JobOutcome | undefined;
  try {
    const prep = await r.workspace.prepare();
    const index = r.configure(prep.project);
    const forced = matchPushes(index, pushes);
    const whole = batch.startup || batch.refresh || batch.scheduled.size > 0;
    if (!whole && forced.size === 0) {
      r.logger.info('pushed images are not imported by any stream tag at this commit; nothing to do', {
        images: [...batch.pushes.keys()],
      });
      return { kind: 'ignored' };
    }
    const only = whole ? undefined : streamsFor(prep.project.streams, forced);
    r.logger.info('run started', {
      trigger,
      commit: prep.head?.slice(0, 12) ?? null,
      scheduled: batch.scheduled.size,
      forced: [...forced],
      ...(only ? { streams: [...only] } : {}),
    });
    job = await r.runJob({
      project: prep.project,
      ...(only ? { only } : {}),
      ...(forced.size ? { forced } : {}),
      scheduledDue: (k) => batch.scheduled.has(k),
      onSeeded: (files) => r.workspace.touch(files),
    });
    if (job.publish?.mode === 'pull-request') r.workspace.touch(job.run.written);
    await r.workspace.finish();
    return { kind: 'ran', job };
  } catch (error) {
    return { kind: 'failed', error, ...(job ? { job } : {}) };
  }
}

/** The run's figures for metrics. */
export function summarise(
  run: { trigger: Trigger; started: number },
  now: number,
  job: JobOutcome | undefined,
  error: boolean,
): RunSummary {
  const imports = { success: 0, failure: 0, skipped: 0 };
  const perStream = new Map<string, boolean>();
  for (const i of job?.run.result?.imports ?? []) {
    const id = `${i.namespace}/${i.stream}`;
    if (i.result.ok) imports.success++;
    else if (i.result.skipped) imports.skipped++;
    else imports.failure++;
    perStream.set(id, (perStream.get(id) ?? true) && i.result.ok);
  }
  const rateLimits: RunSummary['rateLimits'] = [];
  for (const [registry, h] of Object.entries(job?.run.registryStats?.hosts ?? {})) {
    if (typeof h.rateLimit?.remaining === 'number')
      rateLimits.push({ registry, remaining: h.rateLimit.remaining });
  }
  return {
    trigger: run.trigger,
    durationSeconds: (now - run.started) / 1000,
    finishedAt: Math.floor(now / 1000),
    imports,
    succeededStreams: [...perStream].filter(([, ok]) => ok).map(([s]) => s),
    pullRequestsOpened: job?.publish?.groups.filter((g) => g.status === 'created').length ?? 0,
    rateLimits,
    error,
  };
}

/** The log line of a finished run: what it imported and published, or why the commit is invalid. */
export function logRun(logger: Logger, trigger: Trigger, s: RunSummary, job: JobOutcome): void {
  if (job.run.status === 'invalid') {
    logger.error('declarations or locks are invalid at this commit; nothing was imported', {
      trigger,
      problems: job.run.diagnostics
        .filter((d) => d.severity === 'error')
        .slice(0, 5)
        .map((d) => `${d.file}:${d.line}: ${d.message}`),
    });
    return;
  }
  const groups = (job.publish?.groups ?? []).filter(
    (g) => g.status !== 'nothing' && g.status !== 'unchanged',
  );
  logger.info('run finished', {
    trigger,
    seconds: Number(s.durationSeconds.toFixed(3)),
    imports: s.imports,
    changes: job.run.result?.changes.length ?? 0,
    ...(job.publish?.skipped ? { publishSkipped: job.publish.skipped.reason } : {}),
    ...(groups.length
      ? {
          published: groups.map((g) => ({
            key: g.key,
            status: g.status,
            ...(g.pullRequest ? { pullRequest: g.pullRequest.url } : {}),
            ...(g.error ? { error: g.error.message } : {}),
          })),
        }
      : {}),
  });
}
