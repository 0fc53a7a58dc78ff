// The one way this project builds an Octokit: token auth, a base URL (GitHub Enterprise Server works),
// retry and throttling (the `octokit` package bundles both), and logs routed to our logger, never the console.

import { Octokit } from 'octokit';
import type { Logger } from '../util/logger.js';

/** The Octokit type used across src/github (injected; tests pass one pointed at a local server). */
export type GitHubClient = Octokit;

export interface CreateGitHubOptions {
  token: string;
  /** REST base URL, e.g. https://api.github.com or https://ghe.example.com/api/v3 (GITHUB_API_URL). */
  baseUrl?: string;
  fetch?: typeof fetch;
  logger?: Logger;
  /** Retries of 5xx/secondary-rate-limit answers (default 2; tests use 0). */
  retries?: number;
  userAgent?: string;
  /** Client-side throttling of writes (on by default; tests against a local server turn it off). */
  throttle?: boolean;
}

/** Creates an Octokit with retry and throttling; rate-limit waits are retried at most `retries` times. */
export function createGitHub(opts: CreateGitHubOptions): GitHubClient {
  const retries = opts.retries ?? 2;
  const log = opts.logger;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: { method?: string; url?: string }, _o: unknown, retryCount: number) => {
      log?.warn(`GitHub ${kind} rate limit hit`, { request: `${options.method} ${options.url}`, retryAfter });
      return retryCount < retries;
    };
  return new Octokit({
    auth: opts.token,
    baseUrl: (opts.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: opts.userAgent ?? 'imagestreams',
    request: { ...(opts.fetch ? { fetch: opts.fetch } : {}) },
    // Only the retry plugin's own state: a per-request `retries` would make it retry 4xx answers too.
    retry: { enabled: retries > 0, retries },
    throttle: {
      enabled: opts.throttle ?? true,
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
    },
    log: {
      debug: (m: string) => log?.debug(m),
      info: (m: string) => log?.debug(m),
      warn: (m: string) => log?.warn(m),
      error: (m: string) => log?.error(m),
    },
  });
}
