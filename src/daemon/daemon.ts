// The long-running reconciler: one job at a time, started by its per-tag schedule, by registry webhooks, or
// at start-up; triggers that arrive during a run coalesce into the next one. Everything it touches (clock,
// timers, HTTP server, workspace, job runner, logger) is injected, so tests drive it with a fake clock.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JobResult } from '../app/job.js';
import { isLoopbackHost } from '../git/remote.js';
import type { LoadedProject } from '../loader/load.js';
import type { PublishMode } from '../publish/publish.js';
import { parseDuration } from '../util/duration.js';
import type { Logger } from '../util/logger.js';
import { backoffDelay, DEFAULT_RETRY_BASE_MS, DEFAULT_RETRY_CAP_MS } from './backoff.js';
import { createHttpHandler, type WebhookSource } from './http.js';
import {
  indexStreams,
  matchPushes,
  type PushIndex,
  relevantPushes,
  scheduledKeys,
  streamsFor,
} from './match.js';
import { createMetrics, type Metrics, type RunSummary } from './metrics.js';
import { createSchedule } from './schedule.js';
import type { PushedImage } from './webhooks.js';
import type { PrepareResult } from './workspace.js';

/** Default schedule interval: 15 minutes. */
export const DEFAULT_INTERVAL_MS = 15 * 60_000;
/** Default import budget per minute. */
export const DEFAULT_MAX_IMPORTS_PER_MINUTE = 60;
/** Default cap of distinct pushed images waiting for the next run (the oldest is dropped beyond it). */
export const DEFAULT_MAX_QUEUED_PUSHES = 1000;

/** Settings; unset ones come from the project config (`daemon:`) and then the defaults. */
export interface DaemonOptions {
  host: string;
  port: number;
  intervalMs?: number;
  maxImportsPerMinute?: number;
  /** Hosts Distribution events are also known by (--registry-host); config `daemon.registryHosts` adds more. */
  registryHosts?: string[];
  /** Webhook secret (Bearer / HMAC key / Docker Hub token). */
  secret?: string;
  /** Overrides config publish.mode (also decides whether locks are seeded from PR branches). */
  publishMode?: PublishMode;
  /** Least time between two scheduled runs (default: interval/60, within 1 s–60 s). */
  minGapMs?: number;
  /** Wait before retrying a run that failed as a whole, doubled per consecutive failure (default 30 s). */
  retryMs?: number;
  /** Longest wait between retries (default 15 min). */
  maxRetryMs?: number;
  /** Distinct pushed images kept for the next run (default 1000); beyond it the oldest is dropped. */
  maxQueuedPushes?: number;
}

/** Wall clock in epoch milliseconds. */
export interface Clock {
  now(): number;
}

/** Timers (Node's by default; tests pass fakes). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The part of node:http's Server the daemon uses. */
export interface ServerLike {
  listen(port: number, host: string, cb: () => void): unknown;
  close(cb: (err?: Error) => void): unknown;
  address(): AddressInfo | string | null;
  closeIdleConnections?(): void;
  on(event: 'error', cb: (e: Error) => void): unknown;
}

/** One job as the daemon asks for it. */
export interface JobRequest {
  project: LoadedProject;
  only?: ReadonlySet<string>;
  forced?: ReadonlySet<string>;
  scheduledDue: (key: string) => boolean;
}

/** Injected dependencies. */
export interface DaemonDeps {
  clock: Clock;
  timers: Timers;
  createServer: (listener: (req: IncomingMessage, res: ServerResponse) => void) => ServerLike;
  workspace: {
    prepare(opts: { seed: (project: LoadedProject) => boolean }): Promise<PrepareResult>;
    touch(paths: Iterable<string>): void;
    finish(): Promise<void>;
  };
  runJob(req: JobRequest): Promise<JobResult>;
  logger: Logger;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
}

/** Why a run happens, in priority order for the runs_total label. */
type Trigger = 'startup' | 'webhook' | 'schedule';

interface Batch {
  startup: boolean;
  /** A periodic pass with nothing scheduled (picks up new and changed tags from git). */
  refresh: boolean;
  scheduled: Set<string>;
  /** Pushed images some tag imports, by `host/path:tag` (insertion order: oldest first). */
  pushes: Map<string, PushedImage>;
}

const emptyBatch = (): Batch => ({
  startup: false,
  refresh: false,
  scheduled: new Set(),
  pushes: new Map(),
});

/** Creates the daemon; call start(), and stop() on SIGTERM. */
export function createDaemon(opts: DaemonOptions, deps: DaemonDeps) {
  const { clock, timers, logger } = deps;
  const metrics: Metrics = createMetrics();
  const schedule = createSchedule({
    intervalMs: opts.intervalMs ?? DEFAULT_INTERVAL_MS,
    maxPerMinute: opts.maxImportsPerMinute ?? DEFAULT_MAX_IMPORTS_PER_MINUTE,
  });
  let registryHosts = [...(opts.registryHosts ?? [])];
  let pending = emptyBatch();
  let running: Promise<void> | null = null;
  let ready = false;
  let draining = false;
  let index: PushIndex = new Map();
  let timer: unknown;
  let retryTimer: unknown;
  let lastRunAt = clock.now();
  let lastScheduledAt = 0;
  let runs = 0;
  let server: ServerLike | undefined;
  let stopping: Promise<void> | undefined;
  /** Runs in a row that failed as a whole; the retry waits longer after each. */
  let failures = 0;
  /** The queue-full warning was logged since the queue was last taken. */
  let warnedFull = false;
  const idle: Array<() => void> = [];
  const maxQueued = opts.maxQueuedPushes ?? DEFAULT_MAX_QUEUED_PUSHES;

  const minGap = () =>
    opts.minGapMs ?? Math.min(60_000, Math.max(1000, Math.floor(schedule.options().intervalMs / 60)));
  const hasPending = () =>
    pending.startup || pending.refresh || pending.scheduled.size > 0 || pending.pushes.size > 0;
  /** A failed run's retry is waiting: nothing starts before it fires (never a tight loop against a remote). */
  const backingOff = () => retryTimer !== undefined;

  function kick(): void {
    if (running || draining || backingOff() || !hasPending()) return;
    running = (async () => {
      while (hasPending() && !draining && !backingOff()) {
        const batch = pending;
        pending = emptyBatch();
        warnedFull = false;
        await runBatch(batch);
      }
    })().finally(() => {
      running = null;
      for (const f of idle.splice(0)) f();
      kick();
    });
  }

  /** Adds pushed images to the queue: a repeat moves to the back, the oldest go beyond the cap (counted). */
  function enqueue(pushes: Iterable<[string, PushedImage]>): void {
    for (const [id, p] of pushes) {
      pending.pushes.delete(id);
      pending.pushes.set(id, p);
    }
    let dropped = 0;
    for (const id of pending.pushes.keys()) {
      if (pending.pushes.size <= maxQueued) break;
      pending.pushes.delete(id);
      dropped++;
    }
    if (dropped > 0) metrics.recordQueueDrop(dropped);
    // One line per filling of the queue, not one per webhook of a flood (the counter has the total).
    if (dropped > 0 && !warnedFull) {
      warnedFull = true;
      logger.warn(
        'push queue full: the oldest queued pushes were dropped (scheduled tags still follow their schedule)',
        { dropped, cap: maxQueued },
      );
    }
    metrics.setQueued(pending.pushes.size);
  }

  function requeue(b: Batch): void {
    pending.startup ||= b.startup;
    pending.refresh ||= b.refresh;
    for (const k of b.scheduled) pending.scheduled.add(k);
    const newer = pending.pushes;
    pending.pushes = new Map(b.pushes);
    enqueue(newer);
  }

  function configure(project: LoadedProject): void {
    const d = project.config.daemon;
    const configured = d?.interval ? parseDuration(d.interval) : undefined;
    schedule.configure({
      intervalMs: opts.intervalMs ?? configured ?? DEFAULT_INTERVAL_MS,
      maxPerMinute: opts.maxImportsPerMinute ?? d?.maxImportsPerMinute ?? DEFAULT_MAX_IMPORTS_PER_MINUTE,
    });
    registryHosts = [...new Set([...(opts.registryHosts ?? []), ...(d?.registryHosts ?? [])])];
    index = indexStreams(project.streams);
    schedule.setTags(scheduledKeys(project.streams), clock.now());
  }

  function summarise(
    trigger: Trigger,
    started: number,
    job: JobResult | undefined,
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
    const now = clock.now();
    return {
      trigger,
      durationSeconds: (now - started) / 1000,
      finishedAt: Math.floor(now / 1000),
      imports,
      succeededStreams: [...perStream].filter(([, ok]) => ok).map(([s]) => s),
      pullRequestsOpened: job?.publish?.groups.filter((g) => g.status === 'created').length ?? 0,
      rateLimits,
      error,
    };
  }

  async function runBatch(batch: Batch): Promise<void> {
    const trigger: Trigger = batch.startup ? 'startup' : batch.pushes.size > 0 ? 'webhook' : 'schedule';
    const started = clock.now();
    metrics.setQueued(pending.pushes.size);
    const pushes = [...batch.pushes.values()];
    let job: JobResult | undefined;
    try {
      const prep = await deps.workspace.prepare({
        seed: (p) => (opts.publishMode ?? p.config.publish.mode) === 'pull-request',
      });
      configure(prep.project);
      ready = true;
      const forced = matchPushes(index, pushes);
      const whole = batch.startup || batch.refresh || batch.scheduled.size > 0;
      if (!whole && forced.size === 0) {
        logger.info('pushed images are not imported by any stream tag at this commit; nothing to do', {
          images: [...batch.pushes.keys()],
        });
        return;
      }
      const only = whole ? undefined : streamsFor(prep.project.streams, forced);
      logger.info('run started', {
        trigger,
        commit: prep.head?.slice(0, 12) ?? null,
        scheduled: batch.scheduled.size,
        forced: [...forced],
        ...(only ? { streams: [...only] } : {}),
        ...(prep.seeded.length ? { seededFromPullRequests: prep.seeded.length } : {}),
      });
      job = await deps.runJob({
        project: prep.project,
        ...(only ? { only } : {}),
        ...(forced.size ? { forced } : {}),
        scheduledDue: (k) => batch.scheduled.has(k),
      });
      if (job.publish?.mode === 'pull-request' || prep.seeded.length) deps.workspace.touch(job.run.written);
      await deps.workspace.finish();
      const s = summarise(trigger, started, job, job.run.status === 'invalid');
      schedule.record(
        (job.run.result?.imports ?? []).filter((i) => !batch.scheduled.has(i.key)).length,
        clock.now(),
      );
      metrics.recordRun(s);
      runs++;
      lastRunAt = clock.now();
      failures = 0;
      metrics.setRetry(0, 0);
      logRun(trigger, s, job);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      failures++;
      const delay = backoffDelay(failures, {
        baseMs: opts.retryMs ?? DEFAULT_RETRY_BASE_MS,
        capMs: Math.max(opts.maxRetryMs ?? DEFAULT_RETRY_CAP_MS, opts.retryMs ?? 0),
        random: deps.random ?? Math.random,
      });
      logger.error('run failed; retrying later', {
        trigger,
        code: (e as { code?: string }).code ?? 'INTERNAL',
        error: message,
        consecutiveFailures: failures,
        retryInSeconds: Math.round(delay / 1000),
      });
      metrics.recordRun(summarise(trigger, started, job, true));
      metrics.setRetry(failures, delay / 1000);
      await deps.workspace.finish().catch(() => {});
      requeue(batch);
      armRetry(delay);
    } finally {
      if (trigger !== 'webhook') lastScheduledAt = clock.now();
      arm();
    }
  }

  function logRun(trigger: Trigger, s: RunSummary, job: JobResult): void {
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
    for (const k of take.due) pending.scheduled.add(k);
    if (take.due.length === 0 && now >= lastRunAt + schedule.options().intervalMs) pending.refresh = true;
    if (take.waiting > 0) logger.warn('import budget reached; tags wait', { waiting: take.waiting });
    if (hasPending()) kick();
    if (!running) arm();
  }

  /** Webhook entry: accept the pushes that some stream tag imports (at the last loaded commit). */
  function onPush(source: WebhookSource, pushes: PushedImage[]): { matched: string[] } {
    const relevant = relevantPushes(index, pushes);
    const matched = [...matchPushes(index, [...relevant.values()])].sort();
    if (matched.length === 0) {
      // Blob and child-manifest events carry no tag: not worth an info line each.
      if (pushes.length)
        logger.info('push ignored: no stream tag imports it', {
          source,
          images: pushes.slice(0, 5).map((p) => `${p.hosts[0]}/${p.path}:${p.tag}`),
          ...(pushes.length > 5 ? { more: pushes.length - 5 } : {}),
        });
      else logger.debug('notification without a tagged push ignored', { source });
      return { matched };
    }
    logger.info('push received', {
      source,
      images: [...relevant.keys()].slice(0, 20),
      tags: matched.slice(0, 20),
      ...(matched.length > 20 ? { moreTags: matched.length - 20 } : {}),
    });
    enqueue(relevant);
    kick();
    return { matched };
  }

  const handler = createHttpHandler({
    onPush,
    ready: () => ready,
    draining: () => draining,
    metrics,
    logger,
    ...(opts.secret ? { secret: opts.secret } : {}),
    get registryHosts() {
      return registryHosts;
    },
  });

  return {
    metrics,
    /** Listens, then runs the start-up pass (new and changed tags); resolves with the bound port. */
    async start(): Promise<{ port: number }> {
      server = deps.createServer(handler);
      await new Promise<void>((resolve, reject) => {
        server!.on('error', reject);
        server!.listen(opts.port, opts.host, () => resolve());
      });
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : opts.port;
      logger.info('daemon listening', { address: `${opts.host}:${port}` });
      if (!opts.secret && !isLoopbackHost(opts.host)) {
        logger.warn(
          'webhooks are accepted without a secret on a non-loopback address: anyone who reaches it can trigger runs; set --webhook-secret-env',
        );
      }
      pending.startup = true;
      kick();
      return { port };
    },
    /**
     * Graceful stop: webhooks get 503 at once, the run in flight finishes (lock writes are atomic and pushes
     * carry a lease), nothing new starts, then the server closes.
     */
    stop(): Promise<void> {
      if (stopping) return stopping;
      draining = true;
      stopping = (async () => {
        if (timer !== undefined) timers.clearTimeout(timer);
        if (retryTimer !== undefined) timers.clearTimeout(retryTimer);
        timer = retryTimer = undefined;
        if (running) {
          logger.info('shutting down: waiting for the run in flight');
          await new Promise<void>((r) => idle.push(r));
        }
        if (hasPending())
          logger.info('shutting down: queued triggers dropped (the schedule catches up on restart)');
        await deps.workspace.finish().catch(() => {});
        if (server) {
          const s = server;
          await new Promise<void>((r) => {
            s.close(() => r());
            s.closeIdleConnections?.();
          });
        }
        logger.info('daemon stopped', { runs });
      })();
      return stopping;
    },
    /** For tests and status: is a run in flight, is the daemon ready. */
    state: () => ({
      running: running !== null,
      ready,
      draining,
      runs,
      scheduled: schedule.size(),
      queuedPushes: pending.pushes.size,
      consecutiveFailures: failures,
      backingOff: backingOff(),
    }),
    /** The pushed images waiting for the next run (for tests and status). */
    queued: (): PushedImage[] => [...pending.pushes.values()],
    /** Resolves when no run is in flight and nothing is queued (or what is queued waits for a retry). */
    async idle(): Promise<void> {
      while (running || (hasPending() && !draining && !backingOff())) {
        if (running) await new Promise<void>((r) => idle.push(r));
        else kick();
      }
    },
  };
}

/** The daemon's interface. */
export type Daemon = ReturnType<typeof createDaemon>;
