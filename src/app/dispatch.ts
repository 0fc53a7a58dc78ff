// The dispatch use case: between two commits, which stream tags moved, and one dispatch per image digest they
// moved to, sent to the config's targets (repository_dispatch, workflow_dispatch, commands). The entry points
// decide the commit range (arguments, the push event) and render the typed result.

import * as nodeFs from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config/config.js';
import { loadConfig } from '../config/load.js';
import { type CommandRunner, runCommand } from '../dispatch/command.js';
import { type DispatchResult, executeDispatches, tokenValues } from '../dispatch/run.js';
import { readRegular } from '../fs/inside.js';
import { readLocksAtCommit, resolveCommit, ZERO_SHA } from '../git/locks-at-commit.js';
import type { GitHubClient } from '../github/client.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { ImagestreamsError } from '../model/errors.js';
import { planDispatches } from '../plan/dispatch-plan.js';
import { type MovedTag, movedTagFields, movedTags } from '../plan/moved-tags.js';
import { omitUndefined } from '../util/omit-undefined.js';
import type { AppDeps } from './deps.js';

export interface DispatchOptions {
  configPath?: string;
  before: string;
  after: string;
  dryRun: boolean;
  /** `owner/repo` the dispatches come from (GITHUB_REPOSITORY at the edge). */
  repository?: string;
  /** Builds the GitHub client for a target's token. */
  github: (token: string) => GitHubClient;
  /** Runs command targets (default: execa, no shell). */
  runCommand?: CommandRunner;
}

/** What a dispatch run did. */
export type DispatchOutcome =
  /** The config does not load: nothing was read from git, nothing sent. */
  | { kind: 'invalid-config'; diagnostics: Diagnostic[] }
  /** The push deleted the branch: nothing to dispatch. */
  | { kind: 'deleted' }
  /** The commits or their locks could not be read. */
  | { kind: 'error'; error: unknown; secrets: string[] }
  | ({ kind: 'done' } & DispatchReport);

export interface DispatchReport {
  ok: boolean;
  dryRun: boolean;
  before?: string;
  after: string;
  moved: MovedTag[];
  results: DispatchResult[];
  lockErrors: ImagestreamsError[];
  /** How many targets the config declares. */
  targets: number;
  /** Every token and credential value a target may use: mask them in anything shown. */
  secrets: string[];
}

/** Names of the variables holding a target's token or a registry credential (kept from commands, masked). */
export function secretEnvNames(config: Config): string[] {
  return [
    ...config.dispatch.flatMap((t) => (t.tokenEnv ? [t.tokenEnv] : [])),
    ...Object.values(config.registries).flatMap((r) =>
      r.credentials ? [r.credentials.usernameEnv, r.credentials.passwordEnv] : [],
    ),
  ];
}

/** Reads the locks at both commits, plans and sends the dispatches (every target runs; failures are results). */
export async function runDispatch(deps: AppDeps, opts: DispatchOptions): Promise<DispatchOutcome> {
  const root = resolve(deps.cwd);
  const loaded = await loadConfig(nodeFs.promises, {
    read: readRegular,
    root,
    cwd: root,
    ...omitUndefined({ configPath: opts.configPath }),
  });
  const configErrors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (configErrors.length > 0) return { kind: 'invalid-config', diagnostics: configErrors };
  const { config } = loaded;
  const secretEnv = secretEnvNames(config);
  const secrets = tokenValues(secretEnv, deps.env);
  if (/^0+$/.test(opts.after)) return { kind: 'deleted' };
  const fs = nodeFs;
  let after: string;
  let before: string | undefined;
  let moved: MovedTag[];
  const lockErrors: ImagestreamsError[] = [];
  try {
    after = await resolveCommit({ fs, dir: root, ref: opts.after });
    before = opts.before === ZERO_SHA ? undefined : await resolveCommit({ fs, dir: root, ref: opts.before });
    const now = await readLocksAtCommit({ fs, dir: root, commit: after, lockDir: config.lockDir });
    const prev = before
      ? await readLocksAtCommit({ fs, dir: root, commit: before, lockDir: config.lockDir })
      : undefined;
    lockErrors.push(...now.errors);
    // A lock that was invalid before and valid now: its tags count as new.
    moved = movedTags(prev?.locks, now.locks);
  } catch (e) {
    return { kind: 'error', error: e, secrets };
  }
  const source = { ...(opts.repository ? { repository: opts.repository } : {}), sha: after };
  const jobs = planDispatches(config.dispatch, moved, source);
  const results = await executeDispatches(
    jobs,
    {
      github: opts.github,
      runCommand: opts.runCommand ?? runCommand,
      env: deps.env,
      secretEnv,
      cwd: root,
      logger: deps.logger,
    },
    { dryRun: opts.dryRun },
  );
  const ok = results.every((r) => r.status !== 'failed') && lockErrors.length === 0;
  return {
    kind: 'done',
    ok,
    dryRun: opts.dryRun,
    ...omitUndefined({ before }),
    after,
    moved,
    results,
    lockErrors,
    targets: config.dispatch.length,
    secrets,
  };
}

/** The `--json` form of a finished dispatch run (also the Action's `result.dispatch`). */
export function dispatchJson(r: DispatchReport): Record<string, unknown> {
  return {
    ok: r.ok,
    dryRun: r.dryRun,
    before: r.before ?? null,
    after: r.after,
    moved: r.moved.map(movedTagFields),
    results: r.results,
    lockErrors: r.lockErrors.map((e) => ({ code: e.code, message: e.message })),
  };
}
