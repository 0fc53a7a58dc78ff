// The run's GitHub context: GITHUB_* variables and the event file (the pull request, a push's before/after).

import * as nodeFs from 'node:fs';
import { resolve } from 'node:path';
import { ImagestreamsError } from '../../model/errors.js';

const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);

/** The pull request an event is about. */
export interface EventPullRequest {
  number: number;
  headRef: string;
  baseRef: string;
  headSha?: string;
  /** The base branch's tip when the event was sent (the lock-PR mode compares from its merge base). */
  baseSha?: string;
  /** Head repository differs from the base repository (or is gone): no credentials, no registry. */
  fork: boolean;
  headRepository?: string;
}

/** The run's GitHub context, from GITHUB_* variables and the event file. */
export interface ActionContext {
  eventName: string;
  repository?: string;
  apiUrl?: string;
  workspace: string;
  pullRequest?: EventPullRequest;
  push?: { before: string; after: string };
}

export type Json = Record<string, unknown>;

export function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

/** Reads GITHUB_* and the event file (an unreadable event file is an empty event: a local run). */
export function readContext(env: Record<string, string | undefined>): ActionContext {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  let event: Json = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      event = obj(JSON.parse(nodeFs.readFileSync(env.GITHUB_EVENT_PATH, 'utf8'))) ?? {};
    } catch (e) {
      throw new ImagestreamsError(
        'ACTION_EVENT',
        `cannot read the event file GITHUB_EVENT_PATH=${env.GITHUB_EVENT_PATH}: ${(e as Error).message}`,
      );
    }
  }
  const ctx: ActionContext = {
    eventName,
    workspace: resolve(env.GITHUB_WORKSPACE || process.cwd()),
    ...(env.GITHUB_REPOSITORY ? { repository: env.GITHUB_REPOSITORY } : {}),
    ...(env.GITHUB_API_URL ? { apiUrl: env.GITHUB_API_URL } : {}),
  };
  const pr = obj(event.pull_request);
  if (PR_EVENTS.has(eventName) && pr) {
    const head = obj(pr.head) ?? {};
    const base = obj(pr.base) ?? {};
    const headRepo = obj(head.repo);
    const baseName = String(obj(event.repository)?.full_name ?? obj(base.repo)?.full_name ?? ctx.repository);
    const headName = typeof headRepo?.full_name === 'string' ? headRepo.full_name : undefined;
    // head.repo.fork alone is not used: it is also true for a same-repository PR in a repository that is a fork.
    const fork = !headName || headName.toLowerCase() !== baseName.toLowerCase();
    ctx.pullRequest = {
      number: Number(pr.number),
      headRef: String(head.ref ?? ''),
      baseRef: String(base.ref ?? ''),
      ...(typeof head.sha === 'string' ? { headSha: head.sha } : {}),
      ...(typeof base.sha === 'string' ? { baseSha: base.sha } : {}),
      fork,
      ...(headName ? { headRepository: headName } : {}),
    };
  }
  // pull_request "synchronize" events carry before/after too: only a push is a push.
  if (
    (eventName === 'push' || eventName === '') &&
    typeof event.before === 'string' &&
    typeof event.after === 'string'
  ) {
    ctx.push = { before: event.before, after: event.after };
  }
  return ctx;
}
