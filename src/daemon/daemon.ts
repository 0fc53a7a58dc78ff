// The long-running reconciler: one job at a time, started by its per-tag schedule, by registry webhooks, or
// at start-up; triggers that arrive during a run coalesce into the next one. Everything it touches (clock,
// timers, HTTP server, workspace, job runner, logger) is injected, so tests drive it with a fake clock. Its
// parts: the trigger queue (queue.ts), scheduling and retries (run-loop.ts), one run (job-run.ts), and the
// HTTP/webhook side (server.ts); this file puts them together behind the `Daemon` interface.

import type { JobResult } from '../app/job.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { DaemonWorkspace, JobRequest } from './job-run.js';
import { createMetrics, type Metrics } from './metrics.js';
import { type DaemonOptions, DEFAULT_MAX_QUEUED_PUSHES, type Timers } from './options.js';
import { createTriggerQueue } from './queue.js';
import { createRunLoop } from './run-loop.js';
import { type CreateServer, createDaemonServer } from './server.js';
import type { PushedImage } from './webhooks.js';

export type { DaemonWorkspace, JobRequest } from './job-run.js';
export {
  type DaemonOptions,
  DEFAULT_INTERVAL_MS,
  DEFAULT_MAX_IMPORTS_PER_MINUTE,
  DEFAULT_MAX_QUEUED_PUSHES,
  type Timers,
} from './options.js';
export type { ServerLike } from './server.js';

/** Injected dependencies. */
export interface DaemonDeps {
  clock: Pick<Clock, 'now'>;
  timers: Timers;
  createServer: CreateServer;
  workspace: DaemonWorkspace;
  runJob(req: JobRequest): Promise<JobResult>;
  logger: Logger;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
}

/** What status and tests read. */
export interface DaemonState {
  running: boolean;
  ready: boolean;
  draining: boolean;
  runs: number;
  scheduled: number;
  queuedPushes: number;
  consecutiveFailures: number;
  backingOff: boolean;
}

/** The daemon's interface. */
export interface Daemon {
  readonly metrics: Metrics;
  /** Listens, then runs the start-up pass (new and changed tags); resolves with the bound port. */
  start(): Promise<{ port: number }>;
  /**
   * Graceful stop: webhooks get 503 at once, the run in flight finishes (lock writes are atomic and pushes
   * carry a lease), nothing new starts, then the server closes.
   */
  stop(): Promise<void>;
  /** For tests and status: is a run in flight, is the daemon ready. */
  state(): DaemonState;
  /** The pushed images waiting for the next run (for tests and status). */
  queued(): PushedImage[];
  /** Resolves when no run is in flight and nothing is queued (or what is queued waits for a retry). */
  idle(): Promise<void>;
}

/** Creates the daemon; call start(), and stop() on SIGTERM. */
export function createDaemon(opts: DaemonOptions, deps: DaemonDeps): Daemon {
  const { logger } = deps;
  const metrics = createMetrics();
  const queue = createTriggerQueue({
    maxQueued: opts.maxQueuedPushes ?? DEFAULT_MAX_QUEUED_PUSHES,
    metrics,
    logger,
  });
  const loop = createRunLoop(opts, {
    clock: deps.clock,
    timers: deps.timers,
    logger,
    metrics,
    queue,
    runner: { workspace: deps.workspace, runJob: deps.runJob },
    random: deps.random ?? Math.random,
  });
  const server = createDaemonServer(opts, { createServer: deps.createServer, loop, queue, metrics, logger });
  let stopping: Promise<void> | undefined;

  return {
    metrics,
    async start() {
      const port = await server.listen();
      queue.markStartup();
      loop.kick();
      return { port };
    },
    stop() {
      if (stopping) return stopping;
      loop.drain();
      stopping = (async () => {
        if (loop.running()) {
          logger.info('shutting down: waiting for the run in flight');
          await loop.afterRun();
        }
        if (queue.hasPending())
          logger.info('shutting down: queued triggers dropped (the schedule catches up on restart)');
        await deps.workspace.finish().catch(() => {});
        await server.close();
        logger.info('daemon stopped', { runs: loop.runs() });
      })();
      return stopping;
    },
    state: () => ({
      running: loop.running(),
      ready: loop.ready(),
      draining: loop.draining(),
      runs: loop.runs(),
      scheduled: loop.scheduledTags(),
      queuedPushes: queue.pushCount(),
      consecutiveFailures: loop.consecutiveFailures(),
      backingOff: loop.backingOff(),
    }),
    queued: () => queue.pushes(),
    async idle() {
      while (loop.running() || (queue.hasPending() && !loop.draining() && !loop.backingOff())) {
        if (loop.running()) await loop.afterRun();
        else loop.kick();
      }
    },
  };
}
