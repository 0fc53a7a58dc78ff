// Whether publishing can be attempted at all, decided before any git or GitHub module is loaded.

import type { ErrorCode } from '../model/error-codes.js';

/** What decides it. */
export interface PublishPreconditions {
  mode: 'commit' | 'pull-request' | 'none';
  fork?: boolean;
  dryRun?: boolean;
  token?: string;
  /** The GitHub API is configured (owner/repo and a client). */
  github: boolean;
}

/** The reason publishing is skipped (reported, never an error), or undefined when it can go ahead. */
export function publishSkipReason(p: PublishPreconditions): { code: ErrorCode; reason: string } | undefined {
  if (p.mode === 'none')
    return { code: 'MODE_NONE', reason: 'publish mode is "none"; the working tree has the changes' };
  if (p.fork) {
    return {
      code: 'FORK',
      reason: 'this run is a pull request from a fork, which gets no credentials; nothing was pushed',
    };
  }
  if (!p.dryRun && !p.token) {
    return {
      code: 'NO_CREDENTIALS',
      reason: 'no token was given; the working tree has the changes (give GITHUB_TOKEN to publish)',
    };
  }
  if (p.mode === 'pull-request' && !p.github && !p.dryRun) {
    return { code: 'NO_GITHUB', reason: 'pull-request mode needs the GitHub API (owner/repo and a token)' };
  }
  return undefined;
}
