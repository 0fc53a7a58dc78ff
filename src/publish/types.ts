// The types of publishing: modes, groups, options and structured results (rendered by the entry points).

import type { HttpClient } from 'isomorphic-git';
import type { GitIdentity } from '../git/commit.js';
import type { GitFs } from '../git/repo.js';
import type { GitHubClient } from '../github/client.js';
import type { ErrorCode } from '../model/error-codes.js';
import type { ConsumerChange, StreamChange } from '../plan/changes.js';
import type { Logger } from '../util/logger.js';
import type { ComposeInput } from './compose.js';

/** How changes leave the working tree. */
export type PublishMode = 'commit' | 'pull-request' | 'none';

/** PR decorations, from config or stream annotations (group values override the run's defaults). */
export interface PullRequestExtras {
  labels?: string[];
  reviewers?: string[];
  teamReviewers?: string[];
  assignees?: string[];
  draft?: boolean;
  autoMerge?: false | 'MERGE' | 'SQUASH' | 'REBASE';
  /**
   * `digest`: auto-merge only PRs whose change is digest-only and soaked (see plan/auto-merge.ts), kept in step
   * on every run (disabled again when a PR stops qualifying).
   */
  autoMergeOnly?: 'digest';
}

/** One unit of publishing: one branch and PR in pull-request mode. */
export interface PublishGroup {
  /** Stable identity, e.g. `default/python` or a config group name; written as the commit trailer. */
  key: string;
  /** Branch for pull-request mode, e.g. `imagestreams/default/python`. */
  branch: string;
  /**
   * Every file the group owns (its lock files and the consumer files that follow it), repository-relative,
   * as written in the work tree. Pass groups with no changes too: that is how a revert closes its PR.
   */
  files: string[];
  /** The group's streams as `namespace/name`. */
  streams?: string[];
  changes: StreamChange[];
  consumers: ConsumerChange[];
  pr?: PullRequestExtras;
  /**
   * Pull-request mode: compose the branch from the base instead of copying `files` from the work tree (the
   * group's locks and declaration edits, and in consumer files only the values following the group's streams);
   * title, body and commit message then describe that diff, not the run.
   */
  compose?: Omit<ComposeInput, 'base' | 'work'>;
  /**
   * Composing groups: a release-named tag (`1.2.3`) whose digest moved is proposed in a pull request of its own,
   * on branch `<republishedPrefix><namespace>/<stream>/<tag>`; this group's PR carries everything else.
   */
  republishedPrefix?: string;
  /**
   * Pull-request mode: the group is outside its schedule window, so its PR is neither opened nor updated (nor
   * closed) in this run; its republished-tag PRs are not held back (an alarm does not wait).
   */
  waiting?: { opensAt: string; window: string };
}

export interface PublishOptions {
  mode: PublishMode;
  fs: GitFs;
  dir: string;
  git: {
    /** Remote URL (default: the checkout's `origin`). */
    url?: string;
    token?: string;
    http: HttpClient;
  };
  /** Needed for pull-request mode. */
  github?: { octokit: GitHubClient; owner: string; repo: string };
  groups: PublishGroup[];
  /** Base branch of PRs (default: the remote's default branch, else the checked-out branch). */
  base?: string;
  author: GitIdentity;
  committer?: GitIdentity;
  pr?: PullRequestExtras;
  /**
   * Pull-request mode: make each branch commit through GitHub's Git Data API, with no author, so GitHub signs it
   * as the token's identity (verified). Refused in commit mode.
   */
  signCommits?: boolean;
  /** Commit message template (see renderCommitMessage). */
  messageTemplate?: string;
  logger: Logger;
  dryRun?: boolean;
  /** The run is a pull request from a fork: publishing is reported, not attempted. */
  fork?: boolean;
  /** Attempts per group when the remote moves underneath (default 3). */
  maxAttempts?: number;
  /**
   * Pull-request mode: at most `max` open PRs from branches under `branchPrefix`. Open ones are still updated; a
   * group whose PR would be new past the limit is held (status `held`), in group order.
   */
  openLimit?: { max: number; branchPrefix: string };
  /** Clock for commit timestamps (default: now). */
  now?: () => Date;
  /** Waits used by the PR layer's short retries. */
  sleep?: (ms: number) => Promise<void>;
}

/** What happened to one group. */
export type GroupStatus =
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'closed'
  | 'pushed'
  | 'nothing'
  | 'skipped'
  | 'failed'
  | 'planned'
  | 'waiting'
  | 'held';

export interface GroupResult {
  key: string;
  status: GroupStatus;
  branch?: string;
  commit?: string;
  pullRequest?: { number: number; url: string };
  /** Why a group was skipped, failed, closed, waiting or held. */
  reason?: string;
  /** `waiting`: when the group's schedule window opens (RFC 3339). */
  opensAt?: string;
  /** `hint`: how to fix it (the error's, else the catalogue's). */
  error?: { code: ErrorCode; message: string; hint?: string };
  pushed?: boolean;
  uploadedBytes?: number;
  attempts?: number;
}

/** The structured result of publishing; rendered by the entry points. */
export interface PublishResult {
  mode: PublishMode;
  /** Set when publishing was not attempted at all (no credentials, fork, mode none…). */
  skipped?: { code: ErrorCode; reason: string; hint?: string };
  groups: GroupResult[];
}
