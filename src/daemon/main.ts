// Composition of the daemon for real use: Node's clock, timers and HTTP server, the workspace (own clone or a
// path), runJob with one Octokit for the process's life, JSON logs, and SIGTERM/SIGINT handling. The command
// file parses argv into DaemonSettings; this file turns them into a running daemon.

import { createServer } from 'node:http';
import type { HttpClient } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import type { AppDeps } from '../app/deps.js';
import { connectGitHub } from '../app/github.js';
import { type JobOptions, runJob } from '../app/job.js';
import type { GitHubClient } from '../github/client.js';
import type { PublishMode } from '../publish/publish.js';
import type { Logger } from '../util/logger.js';
import { createDaemon, type Daemon, type DaemonOptions } from './daemon.js';
import { createWorkspace, type WorkspaceSource } from './workspace.js';

/** Everything the command line decided. */
export interface DaemonSettings extends DaemonOptions {
  source: { kind: 'clone'; url: string; branch?: string; dir: string } | { kind: 'path'; dir: string };
  token?: string;
  /** owner/repo for pull requests. */
  repository?: string;
  apiUrl?: string;
  configPath?: string;
  withMetadata?: boolean;
  publishMode?: PublishMode;
  /** Tests: an Octokit / isomorphic-git HTTP client to use instead of the real ones. */
  octokit?: GitHubClient;
  http?: HttpClient;
}

/** Builds the daemon from settings (not started). */
export function buildDaemon(settings: DaemonSettings, io: AppDeps, logger: Logger): Daemon {
  const http = settings.http ?? nodeHttp;
  const token = settings.token;
  const source: WorkspaceSource =
    settings.source.kind === 'clone'
      ? {
          kind: 'clone',
          dir: settings.source.dir,
          access: { url: settings.source.url, http, ...(token ? { token } : {}) },
          ...(settings.source.branch ? { branch: settings.source.branch } : {}),
        }
      : { kind: 'path', dir: settings.source.dir, access: { http, ...(token ? { token } : {}) } };
  const workspace = createWorkspace({
    source,
    logger,
    ...(settings.configPath ? { configPath: settings.configPath } : {}),
  });
  const octokit =
    settings.octokit ??
    (token && settings.repository
      ? connectGitHub(logger, { token, ...(settings.apiUrl ? { apiUrl: settings.apiUrl } : {}) })
      : undefined);
  const jobIO: AppDeps = { ...io, cwd: settings.source.dir, logger };
  // The parts of every run's options that the settings decide, built once.
  const job: JobOptions = {
    project: settings.configPath ? { configPath: settings.configPath } : {},
    registry: settings.withMetadata ? { withMetadata: true } : {},
    github: {
      ...(token ? { token } : {}),
      ...(settings.repository ? { repository: settings.repository } : {}),
      ...(settings.apiUrl ? { apiUrl: settings.apiUrl } : {}),
      ...(octokit ? { octokit } : {}),
    },
    publish: {
      ...(settings.publishMode ? { mode: settings.publishMode } : {}),
      ...(settings.source.kind === 'clone' ? { gitUrl: settings.source.url } : {}),
      http,
    },
  };
  return createDaemon(settings, {
    clock: { now: () => Date.now() },
    timers: {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    },
    createServer: (listener) => createServer({ requestTimeout: 30_000 }, listener),
    workspace,
    logger,
    runJob: (req) =>
      runJob(jobIO, {
        ...job,
        project: { ...job.project, loaded: req.project },
        streams: {
          ...(req.only ? { only: req.only } : {}),
          ...(req.forced ? { forced: req.forced } : {}),
          scheduledDue: req.scheduledDue,
        },
        ...(req.onSeeded ? { onSeeded: req.onSeeded } : {}),
      }),
  });
}

/** The process's signals as the daemon uses them (injectable for tests). */
export interface SignalSource {
  on(signal: 'SIGTERM' | 'SIGINT', fn: () => void): void;
  off(signal: 'SIGTERM' | 'SIGINT', fn: () => void): void;
  /** Ends the process at once (second signal). */
  exit(code: number): void;
}

/**
 * Runs until SIGTERM/SIGINT: the first signal drains (webhooks 503, the run in flight finishes) and resolves
 * 0; a second signal exits immediately with 128 + the signal number.
 */
export async function runDaemon(
  settings: DaemonSettings,
  io: AppDeps,
  logger: Logger,
  signals: SignalSource,
): Promise<number> {
  const daemon = buildDaemon(settings, io, logger);
  let stopping: Promise<void> | undefined;
  let stopped!: () => void;
  const done = new Promise<void>((r) => {
    stopped = r;
  });
  const onSignal = (name: 'SIGTERM' | 'SIGINT') => () => {
    if (stopping) {
      logger.warn(`second ${name}: exiting now`);
      signals.exit(128 + (name === 'SIGINT' ? 2 : 15));
      return;
    }
    logger.info(`${name} received: draining`);
    stopping = daemon.stop().then(stopped);
  };
  const term = onSignal('SIGTERM');
  const int = onSignal('SIGINT');
  signals.on('SIGTERM', term);
  signals.on('SIGINT', int);
  try {
    await daemon.start();
    await done;
    return 0;
  } finally {
    signals.off('SIGTERM', term);
    signals.off('SIGINT', int);
  }
}
