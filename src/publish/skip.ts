// Whether publishing can be attempted at all, decided before any git or GitHub module is loaded.

import { type ErrorCode, hintFor } from '../model/error-codes.js';

/** What decides it. */
export interface PublishPreconditions {
  mode: 'commit' | 'pull-request' | 'none';
  fork?: boolean;
  dryRun?: boolean;
  token?: string;
  /** The GitHub API is configured (owner/repo and a client). */
  github: boolean;
}

/** Why publishing is skipped: a code, the reason and what to do (the catalogue's hint for the code). */
export interface PublishSkip {
  code: ErrorCode;
  reason: string;
  hint: string;
}

const skip = (code: ErrorCode, reason: string): PublishSkip => ({ code, reason, hint: hintFor(code) });

/** The reason publishing is skipped (reported, never an error), or undefined when it can go ahead. */
export function publishSkipReason(p: PublishPreconditions): PublishSkip | undefined {
  if (p.mode === 'none') return skip('MODE_NONE', 'publish mode is "none"; the working tree has the changes');
  if (p.fork) {
    return skip(
      'FORK',
      'this run is a pull request from a fork, which gets no credentials; nothing was pushed',
    );
  }
  if (!p.dryRun && !p.token) {
    return skip(
      'NO_CREDENTIALS',
      'no token was given; the working tree has the changes (give GITHUB_TOKEN to publish)',
    );
  }
  if (p.mode === 'pull-request' && !p.github && !p.dryRun) {
    return skip('NO_GITHUB', 'pull-request mode needs the GitHub API (owner/repo and a token)');
  }
  return undefined;
}
