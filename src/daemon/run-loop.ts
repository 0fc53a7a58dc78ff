// The daemon's scheduling: one run at a time, started when something is queued; the schedule timer wakes it when
// a tag is due (or a refresh pass is owed); a run that failed as a whole is retried after a growing backoff,
// and nothing else starts while that retry waits.

import type { LoadedProject } from '../loader/load.js';
import { parseDuration } from '../util/duration.js';
import type { Logger } from '../util/logger.js';
import { backoffDelay, DEFAULT_RETRY_BASE_MS, DEFAULT_RETRY_CAP_MS } from './backoff.js';
import { type BatchRunner, type JobOutcome, logRun, runBatchJob, summarise } from './job-run.js';
import { indexStreams, type PushIndex, scheduledKeys } from './match.js';
import type { Metrics } from './metrics.js';
import {
  type DaemonOptions,
  DEFAULT_INTERVAL_MS,
  DEFAULT_MAX_IMPORTS_PER_MINUTE,
  type Timers,
} from './options.js';
import { type Batch, type Trigger, type TriggerQueue, triggerOf } from './queue.js';
import { createSchedule } from './schedule.js';

/** A run as it began: its batch, trigger and start time. */
interface RunStart {
  batch: Batch;
  trigger: Trigger;
  started: number;
}

/** What the loop is given. */
export interface RunLoopDeps {
  clock: { now(): number };
  timers: Timers;
  logger: Logger;
  metrics: Metrics;
  queue: TriggerQueue;
  runner: Omit<BatchRunner, 'configure' | 'clock' | 'logger'>;
  /** Jitter source in [0, 1). */
  random: () => number;
}

/** The loop as the daemon's other parts use it. */
export interface RunLoop {
  /** Starts a run when something is queued and nothing stops it. */
  kick(): void;
  /** The loaded project's stream index (for matching webhooks) and extra registry hosts. */
  index(): PushIndex;
  registryHosts(): string[];
  /** A project was loaded at least once. */
  ready(): boolean;
  /** A run is in flight. */
  running(): boolean;
  /** A failed run's retry is waiting. */
  backingOff(): boolean;
  runs(): number;
  consecutiveFailures(): number;
  scheduledTags(): number;
  /** Resolves when the run in flight ends. */
  afterRun(): Promise<void>;
  /** Stops for good: clears the timers, starts nothing new. */
  drain(): void;
  draining(): boolean;
}

/**
 * Creates the loop (idle until kicked).
 * Long: it is the one owner of the loop's state (timers, counters, the run in flight), and its body is that state
 * plus small named functions over it (kick, configure, runBatch, succeeded, failed, arm, armRetry, onWake), none
 * over 30 lines; split apart they would have to share that mutable state through an object.
 */
export function createRunLoop(opts: DaemonOptions, deps: RunLoopDeps): RunLoop {
  const { clock, timers, logger, metrics, queue } = deps;
  const schedule = createSchedule({
    intervalMs: opts.intervalMs ?? DEFAULT_INTERVAL_MS,
    maxPerMinute: opts.maxImportsPerMinute ?? DEFAULT_MAX_IMPORTS_PER_MINUTE,
  });
  let registryHosts = [...(opts.registryHosts ?? [])];
  let index: PushIndex = new Map();
  let running: Promise<void> | null = null;
  let ready = false;
  let draining = false;
  let timer: unknown;
  let retryTimer: unknown;
  let lastRunAt = clock.now();
  let lastScheduledAt = 0;
  let runs = 0;
  /** Runs in a row that failed as a whole; the retry waits longer after each. */
  let failures = 0;
  const idle: Array<() => void> = [];

  const minGap = () =>
    opts.minGapMs ?? Math.min(60_000, Math.max(1000, Math.floor(schedule.options().intervalMs / 60)));
  /** A failed run's retry is waiting: nothing starts before it fires (never a tight loop against a remote). */
  const backingOff = () => retryTimer !== undefined;

  function kick(): void {
    if (running || draining || backingOff() || !queue.hasPending()) return;
    running = (async () => {
      while (queue.hasPending() && !draining && !backingOff()) await runBatch(queue.take());
    })().finally(() => {
      running = null;
      for (const f of idle.splice(0)) f();
      kick();
    });
  }

  function configure(project: LoadedProject): PushIndex {
    const d = project.config.daemon;
    const configured = d?.interval ? parseDuration(d.interval) : undefined;
    schedule.configure({
      intervalMs: opts.intervalMs ?? configured ?? DEFAULT_INTERVAL_MS,
      maxPerMinute: opts.maxImportsPerMinute ?? d?.maxImportsPerMinute ?? DEFAULT_MAX_IMPORTS_PER_MINUTE,
    });
    registryHosts = [...new Set([...(opts.registryHosts ?? []), ...(d?.registryHosts ?? [])])];
    index = indexStreams(project.streams);
    schedule.setTags(scheduledKeys(project.streams), clock.now());
    ready = true;
    return index;
  }

  const runner: BatchRunner = {
    ...deps.runner,
    clock,
    logger,
    configure,
  };

  async function runBatch(batch: Batch): Promise<void> {
    const start: RunStart = { batch, trigger: triggerOf(batch), started: clock.now() };
    metrics.setQueued(queue.pushCount());
    const run = await runBatchJob(runner, batch, start.trigger);
    if (run.kind === 'ran') succeeded(start, run.job);
    else if (run.kind === 'failed') await failed(start, run.error, run.job);
    if (start.trigger !== 'webhook') lastScheduledAt = clock.now();
    arm();
  }

  function succeeded(start: RunStart, job: JobOutcome): void {
    const s = summarise(start, clock.now(), job, job.run.status === 'invalid');
    schedule.record(
      (job.run.result?.imports ?? []).filter((i) => !start.batch.scheduled.has(i.key)).length,
      clock.now(),
    );
    metrics.recordRun(s);
    runs++;
    lastRunAt = clock.now();
    failures = 0;
    metrics.setRetry(0, 0);
    logRun(logger, start.trigger, s, job);
  }

  async function failed(start: RunStart, e: unknown, job: JobOutcome | undefined): Promise<void> {
    failures++;
    const delay = backoffDelay(failures, {
      baseMs: opts.retryMs ?? DEFAULT_RETRY_BASE_MS,
      capMs: Math.max(opts.maxRetryMs ?? DEFAULT_RETRY_CAP_MS, opts.retryMs ?? 0),
      random: deps.random,
    });
    logger.error('run failed; retrying later', {
      trigger: start.trigger,
      code: (e as { code?: string }).code ?? 'INTERNAL',
      error: e instanceof Error ? e.message : String(e),
      consecutiveFailures: failures,
      retryInSeconds: Math.round(delay / 1000),
    });
    metrics.recordRun(summarise(start, clock.now(), job, true));
    metrics.setRetry(failures, delay / 1000);
    await deps.runner.workspace.finish().catch(() => {});
    queue.requeue(start.batch);
    armRetry(delay);
  }

  function armRetry(delay: number): void {
    if (draining || retryTimer !== undefined) return;
    retryTimer = timers.setTimeout(() => {
      retryTimer = undefined;
      kick();
    }, delay);
  }

  /** Sets the schedule timer to the next moment a tag is due (or a refresh pass is owed). */
  function arm(): void {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    // While a retry waits, the schedule waits too: the retry's run re-arms it when it ends.
    if (draining || !ready || backingOff()) return;
    const now = clock.now();
    const peek = schedule.size() > 0 ? schedule.peek(now) : Number.POSITIVE_INFINITY;
    const refreshAt = lastRunAt + schedule.options().intervalMs;
    const at = Math.max(Math.min(peek, refreshAt), lastScheduledAt + minGap());
    timer = timers.setTimeout(onWake, Math.max(0, at - now));
  }

  function onWake(): void {
    timer = undefined;
    const now = clock.now();
    const take = schedule.take(now);
    queue.addScheduled(take.due);
    if (take.due.length === 0 && now >= lastRunAt + schedule.options().intervalMs) queue.markRefresh();
    if (take.waiting > 0) logger.warn('import budget reached; tags wait', { waiting: take.waiting });
    if (queue.hasPending()) kick();
    if (!running) arm();
  }

  return {
    kick,
    index: () => index,
    registryHosts: () => registryHosts,
    ready: () => ready,
    running: () => running !== null,
    backingOff,
    runs: () => runs,
    consecutiveFailures: () => failures,
    scheduledTags: () => schedule.size(),
    afterRun: () => new Promise<void>((r) => idle.push(r)),
    drain() {
      draining = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      if (retryTimer !== undefined) timers.clearTimeout(retryTimer);
      timer = retryTimer = undefined;
    },
    draining: () => draining,
  };
}
