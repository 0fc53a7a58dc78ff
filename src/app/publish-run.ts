// Publishing a reconcile run: groups, PR branch first-seen times, then commit / pull requests. Loaded by runJob
// only when something may be published.

import * as nodeFs from 'node:fs';
import { join } from 'node:path';
import type { HttpClient } from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import type { Config } from '../config/config.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { readRemoteBranchFiles } from '../git/read-branch.js';
import { listRemoteBranches } from '../git/remote.js';
import { openRepo } from '../git/repo.js';
import { lockPath, parseLock } from '../loader/lock-file.js';
import { ImagestreamsError } from '../model/errors.js';
import { serializeLock } from '../model/lock-format.js';
import { withFollowers } from '../plan/next-locks.js';
import { keepProposedTimes } from '../plan/stable-times.js';
import { parseScheduleWindow, windowState } from '../policy/schedule-window.js';
import type { StreamLike } from '../policy/tag-spec.js';
import { branchName, groupChanges, republishedPrefix } from '../publish/groups.js';
import type {
  PublishGroup,
  PublishMode,
  PublishOptions,
  PublishResult,
  PullRequestExtras,
} from '../publish/publish.js';
import { parseAuthor, publish } from '../publish/publish.js';
import { omitUndefined } from '../util/omit-undefined.js';
import type { AppDeps } from './deps.js';
import { connectGitHub, type GitHubOptions } from './github.js';
import type { RunReconcileResult } from './reconcile.js';

/** Who publishing commits as when the config names no publish.author. */
export const DEFAULT_AUTHOR = 'imagestreams[bot] <imagestreams-bot@users.noreply.github.com>';

/** PR decorations from the config, in the form publish takes. */
function prExtras(config: Config): PullRequestExtras {
  const p = config.publish;
  const extras: PullRequestExtras = {
    labels: p.labels,
    reviewers: p.reviewers,
    teamReviewers: p.teamReviewers,
    assignees: p.assignees,
    draft: p.draft,
  };
  const method = typeof p.autoMerge === 'object' ? (p.autoMerge.method ?? 'merge') : p.autoMerge;
  if (method) extras.autoMerge = method === true ? 'MERGE' : (method.toUpperCase() as 'MERGE');
  if (typeof p.autoMerge === 'object') extras.autoMergeOnly = p.autoMerge.only;
  return extras;
}

/** The job's publishing part: how to publish and where to push. */
export interface PublishRunOptions {
  /** Overrides config `publish.mode`. */
  mode?: PublishMode;
  /** Remote URL to push to (default: the checkout's origin). */
  gitUrl?: string;
  /** The run is for a pull request from a fork: no credentials are used, nothing is published. */
  fork?: boolean;
  http?: HttpClient;
}

/** What publishRun is given besides the run: the parts of the job it uses, with their defaults filled. */
export interface PublishRunInput {
  publish: PublishRunOptions & { mode: PublishMode };
  github: GitHubOptions;
  dryRun?: boolean;
  /** Only these streams (and their followers) were reconciled: only their groups are published. */
  only?: ReadonlySet<string>;
}

/** Publish a finished run (the part of runJob that needs git and GitHub). */
export async function publishRun(
  io: AppDeps,
  run: RunReconcileResult,
  input: PublishRunInput,
): Promise<PublishResult> {
  const { config, root } = run.project!;
  const { publish: opts, dryRun } = input;
  const { mode } = opts;
  const { token } = input.github;
  const github = githubTarget(io, mode, input.github);
  const groups = runGroups(run, input.only);
  if (mode === 'pull-request') {
    attachCompose(run, groups);
    markWaiting(config, groups, io.now());
  }
  if (mode === 'pull-request' && token && !dryRun) {
    await keepBranchTimes(run, groups, {
      token,
      http: opts.http ?? http,
      // The images first seen in this run carry the run's time, not the (later) time of publishing.
      now: run.result!.now,
      ...(opts.gitUrl ? { url: opts.gitUrl } : {}),
    });
  }
  const author = parseAuthor(config.publish.author ?? DEFAULT_AUTHOR) ?? parseAuthor(DEFAULT_AUTHOR)!;
  try {
    return await publish({
      mode,
      fs: nodeFs,
      dir: root,
      git: {
        http: opts.http ?? http,
        ...omitUndefined({ token }),
        ...(opts.gitUrl ? { url: opts.gitUrl } : {}),
      },
      ...omitUndefined({ github }),
      groups,
      author,
      pr: prExtras(config),
      ...(config.publish.signCommits ? { signCommits: true } : {}),
      ...(config.publish.maxOpenPullRequests
        ? {
            openLimit: {
              max: config.publish.maxOpenPullRequests,
              branchPrefix: config.publish.branchPrefix,
            },
          }
        : {}),
      logger: io.logger,
      ...(dryRun ? { dryRun: true } : {}),
      ...(opts.fork ? { fork: true } : {}),
      now: io.now,
    });
  } catch (e) {
    if (!(e instanceof ImagestreamsError)) throw e;
    return { mode, skipped: { code: e.code, reason: e.message }, groups: [] };
  }
}

/** Config groups outside their schedule window at `now` wait (their PRs are neither opened nor updated). */
function markWaiting(config: Config, groups: PublishGroup[], now: Date): void {
  for (const rule of config.publish.groups) {
    const g = groups.find((x) => x.key === rule.name);
    const parsed = g && rule.schedule ? parseScheduleWindow(rule.schedule) : undefined;
    if (!g || !parsed || 'error' in parsed) continue; // the config load reports a bad window
    const state = windowState(parsed.window, now);
    if (!state.open) g.waiting = { opensAt: state.opensAt, window: parsed.window.text };
  }
}

/** The repository's API for pull-request mode (owner/repo and a client); undefined when it cannot be reached. */
function githubTarget(io: AppDeps, mode: PublishMode, g: GitHubOptions): PublishOptions['github'] {
  if (mode !== 'pull-request' || !g.repository?.includes('/') || !(g.octokit || g.token)) return undefined;
  const [owner, repo] = g.repository.split('/', 2) as [string, string];
  const octokit =
    g.octokit ?? connectGitHub(io.logger, { token: g.token!, ...omitUndefined({ apiUrl: g.apiUrl }) });
  return { octokit, owner, repo };
}

/** The run's publish groups: by config group, else one per stream; with `only`, just the groups it touches. */
function runGroups(run: RunReconcileResult, only: ReadonlySet<string> | undefined): PublishGroup[] {
  const project = run.project!;
  const { config } = project;
  const groups = groupChanges({
    streams: project.streams.map((s) => ({
      namespace: s.namespace,
      stream: s.name,
      lockFile: `${config.lockDir}/${s.namespace}/${s.name}.json`,
    })),
    changes: run.result!.changes,
    consumers: run.consumers?.changes ?? [],
    consumerFiles: run.consumers?.following ?? [],
    branchPrefix: config.publish.branchPrefix,
    groups: config.publish.groups.map((g) => ({
      name: g.name,
      streams: g.streams,
      ...(g.labels || g.reviewers ? { pr: omitUndefined({ labels: g.labels, reviewers: g.reviewers }) } : {}),
    })),
  });
  if (!only || only.size === 0) return groups;
  // A run limited to some streams (an edit command, --stream) publishes only their groups: the work tree does not
  // hold the desired state of the others, and composing them would close their open pull requests.
  const settled = withFollowers(
    project.streams.map((s) => ({ namespace: s.namespace, name: s.name, object: s.object as StreamLike })),
    only,
  );
  return groups.filter((g) => (g.streams ?? []).some((id) => settled?.has(id)));
}

/**
 * Each group's branch is composed from the base: its streams' locks and declaration files, and the consumer files
 * that follow them (only the group's values change there). A declaration file holding streams of several groups
 * goes with the first of those groups by key.
 */
function attachCompose(run: RunReconcileResult, groups: PublishGroup[]): void {
  const project = run.project!;
  const { config } = project;
  const groupOf = new Map<string, string>();
  for (const g of groups) for (const id of g.streams ?? []) groupOf.set(id, g.key);
  const fileOwner = new Map<string, string>();
  for (const s of project.streams) {
    const key = groupOf.get(`${s.namespace}/${s.name}`);
    if (key === undefined) continue;
    const owner = fileOwner.get(s.file);
    if (owner === undefined || key < owner) fileOwner.set(s.file, key);
  }
  const following = run.consumers?.following ?? [];
  const declarations = new Map(
    project.streams.map((s) => [`${s.namespace}/${s.name}`, s.object as StreamLike]),
  );
  for (const g of groups) {
    const ids = new Set(g.streams ?? []);
    const streams = project.streams.filter((s) => ids.has(`${s.namespace}/${s.name}`));
    g.compose = {
      streams: streams.map((s) => ({
        namespace: s.namespace,
        stream: s.name,
        lockFile: lockPath(config, s.namespace, s.name),
        declarationFile: s.file,
      })),
      declarationFiles: [...new Set(streams.map((s) => s.file))].filter((f) => fileOwner.get(f) === g.key),
      consumerFiles: [
        ...new Set(following.filter((c) => ids.has(c.follows.replace(/:[^:/]*$/, ''))).map((c) => c.file)),
      ],
      defaultNamespace: config.namespace,
      allLocks: run.result!.locks,
      allDeclarations: declarations,
      pinFormat: config.pinFormat,
      ...(config.localRegistry ? { localRegistry: config.localRegistry } : {}),
      republished: 'exclude',
    };
    g.republishedPrefix = republishedPrefix(config.publish.branchPrefix);
  }
}

/**
 * While a stream's PR branch is open, the images it already proposes keep the first-seen time recorded there,
 * so a run in which nothing new happened produces the same bytes and pushes nothing.
 */
async function keepBranchTimes(
  run: RunReconcileResult,
  groups: ReturnType<typeof groupChanges>,
  o: { token: string; http: HttpClient; now: string; url?: string },
): Promise<void> {
  const root = run.project!.root;
  const changed = new Set(run.result!.lockFiles.map((f) => f.path));
  let repo: Awaited<ReturnType<typeof openRepo>>;
  try {
    repo = await openRepo({ fs: nodeFs, dir: root });
  } catch {
    return; // publish reports an unusable repository itself
  }
  const url = o.url ?? repo.remoteUrl;
  if (!url) return;
  const access = { url, http: o.http, token: o.token };
  let listed: ReadonlyMap<string, string> | undefined;
  for (const g of groups) {
    const files = g.files.filter((f) => changed.has(f));
    if (files.length === 0) continue;
    listed ??= await listRemoteBranches(access)
      .then((r) => r.branches)
      .catch(() => new Map<string, string>());
    for (const branch of proposingBranches(g, listed)) {
      const proposed = await readRemoteBranchFiles(repo, access, branch, files, listed).catch(() => null);
      if (!proposed) continue;
      for (const f of files) {
        const text = proposed.get(f);
        if (text !== undefined) await keepTimesOf(root, f, text, o.now);
      }
    }
  }
}

/** The group's branch and its streams' republished-tag branches that are on the remote. */
function proposingBranches(g: PublishGroup, listed: ReadonlyMap<string, string>): string[] {
  const own = listed.has(g.branch) ? [g.branch] : [];
  if (!g.republishedPrefix) return own;
  const prefixes = (g.streams ?? []).map((id) => `${branchName(g.republishedPrefix!, id)}/`);
  return [...own, ...[...listed.keys()].filter((b) => prefixes.some((p) => b.startsWith(p))).sort()];
}

/** The lock file `f` with the first-seen times of the images `branchText` already proposes (rewritten if so). */
async function keepTimesOf(root: string, path: string, branchText: string, now: string): Promise<void> {
  let branchLock: ReturnType<typeof parseLock>;
  try {
    branchLock = parseLock(branchText, path);
  } catch {
    return;
  }
  // The run wrote it a moment ago (the run holds no lock texts); an earlier branch may have rewritten it since.
  const written = await nodeFs.promises.readFile(join(root, path), 'utf8');
  const kept = serializeLock(keepProposedTimes(parseLock(written, path), branchLock, now));
  if (kept !== written) await writeFileAtomic(join(root, path), kept);
}
