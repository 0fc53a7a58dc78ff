// The one place a use case or entry point gets a GitHub client: token, the API URL (GitHub Enterprise Server) and
// the run's logger; tests add their Octokit options (no retries, no throttling) through `overrides`.

import { type CreateGitHubOptions, createGitHub, type GitHubClient } from '../github/client.js';
import type { Logger } from '../util/logger.js';

export interface GitHubAccess {
  token: string;
  /** REST base URL (default https://api.github.com). */
  apiUrl?: string;
  /** Extra Octokit options (tests turn throttling and retries off). */
  overrides?: Partial<CreateGitHubOptions>;
}

/** The job's GitHub part: runJob fills what is not given from GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL. */
export interface GitHubOptions {
  /** Token for git pushes and the API. */
  token?: string;
  /** `owner/repo` (else derived from the origin URL by publish). */
  repository?: string;
  /** REST base URL (default https://api.github.com). */
  apiUrl?: string;
  /** A client to use instead of one built from the token (tests, the daemon's one per process). */
  octokit?: GitHubClient;
}

/** A GitHub client for `access`, logging to `logger`. */
export function connectGitHub(logger: Logger, access: GitHubAccess): GitHubClient {
  return createGitHub({
    token: access.token,
    logger,
    ...(access.apiUrl ? { baseUrl: access.apiUrl } : {}),
    ...access.overrides,
  });
}
