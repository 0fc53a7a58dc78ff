// `imagestreams dispatch`: after a lock change lands on the default branch, notify the configured targets
// (repository_dispatch, workflow_dispatch, commands) once per image digest that tags moved to between two commits.

import * as nodeFs from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { runCommand } from '../../dispatch/command.js';
import {
  type DispatchDeps,
  type DispatchResult,
  executeDispatches,
  tokenValues,
} from '../../dispatch/run.js';
import { readRegular } from '../../fs/inside.js';
import { readLocksAtCommit, resolveCommit, ZERO_SHA } from '../../git/locks-at-commit.js';
import { type CreateGitHubOptions, createGitHub } from '../../github/client.js';
import { ImagestreamsError } from '../../model/errors.js';
import { planDispatches } from '../../plan/dispatch-plan.js';
import { type MovedTag, movedTags } from '../../plan/moved-tags.js';
import { redact } from '../../util/redact.js';
import { shortDigest } from '../../util/text.js';
import type { Command } from '../command.js';
import { type CommandIO, EXIT } from '../io.js';
import { workflowCommand } from '../workflow-commands.js';
import { PROJECT_OPTIONS, PROJECT_OPTIONS_HELP, plural, printDiagnostics } from './project.js';

const HELP = `Usage: imagestreams dispatch (--before SHA --after SHA | --event PATH) [options]

After a lock change lands on the default branch, send the config's \`dispatch\` targets one event per image
digest that stream tags moved to between the two commits (listing every such tag): GitHub
repository_dispatch, workflow_dispatch, or a command (run without a shell, with IMAGESTREAM_* variables). Lock files are read from git at both commits, so
the checkout needs the history in between (actions/checkout with fetch-depth: 0). See docs/triggers.md.

Inside GitHub Actions it runs only for a push to the default branch (any other event, a pull request in
particular, exits 2). Commands never see a token: GITHUB_TOKEN, INPUT_TOKEN, every tokenEnv and credential
variable, and variables named like secrets are removed from their environment.

Options:
      --before SHA    The commit before the push (all zeros: no previous state, every locked tag is new)
      --after SHA     The commit after the push
      --event PATH    A push event (JSON) to take before/after from (default: $GITHUB_EVENT_PATH)
      --dry-run       Print what would be sent; send nothing
${PROJECT_OPTIONS_HELP}

Environment: GITHUB_TOKEN (or each target's tokenEnv), GITHUB_REPOSITORY (the default target repository),
GITHUB_API_URL (GitHub Enterprise Server), GITHUB_EVENT_PATH.

Exit codes: 0 every dispatch was sent (or nothing moved); 1 a target failed or a lock file is invalid (the
other targets still ran); 2 bad usage (missing or conflicting options, unreadable event, invalid config).
`;

/** What tests (and other entry points) may replace; the CLI uses the defaults. */
export interface DispatchCommandDeps {
  /** Extra Octokit options (tests turn throttling and retries off). */
  githubOptions?: Partial<CreateGitHubOptions>;
  runCommand?: DispatchDeps['runCommand'];
}

function usageError(io: CommandIO, message: string): number {
  io.stderr(`imagestreams dispatch: ${message}\nRun \`imagestreams dispatch --help\`.\n`);
  return EXIT.USAGE;
}

type Range = { before: string; after: string; ref?: string } | { error: string };

type EventJson = {
  before?: unknown;
  after?: unknown;
  ref?: unknown;
  pull_request?: unknown;
  repository?: unknown;
};

function readEvent(io: CommandIO, path: string): EventJson | { error: string } {
  try {
    return JSON.parse(nodeFs.readFileSync(resolve(io.cwd, path), 'utf8')) as EventJson;
  } catch (e) {
    return { error: `cannot read the event file ${path}: ${(e as Error).message}` };
  }
}

/**
 * Dispatch targets act on what landed on the default branch, and command targets run code from the checkout:
 * inside Actions they run only for a push to the default branch, never for a pull request (whose author — a
 * fork, say — would choose what runs). Returns why not, or undefined.
 */
function eventRefusal(io: CommandIO, eventPath: string | undefined): string | undefined {
  const name = io.env.GITHUB_EVENT_NAME;
  const path = eventPath ?? (name ? io.env.GITHUB_EVENT_PATH : undefined);
  const event = path ? readEvent(io, path) : undefined;
  const json = event && !('error' in event) ? event : undefined;
  const fix = 'run `imagestreams dispatch` in a workflow `on: push` to the default branch';
  if (name && name !== 'push') {
    return `dispatch runs only for pushes to the default branch, not on "${name}" events (a pull request must not run dispatch targets): ${fix}`;
  }
  if (json?.pull_request !== undefined) {
    return `${path} is a pull request event: dispatch runs only for pushes to the default branch; ${fix}`;
  }
  const ref = typeof json?.ref === 'string' ? json.ref : name ? io.env.GITHUB_REF : undefined;
  const repo = json?.repository as { default_branch?: unknown } | undefined;
  const main = typeof repo?.default_branch === 'string' ? repo.default_branch : undefined;
  if (ref && main && ref !== `refs/heads/${main}`) {
    return `the push was to ${ref}, not to the default branch ${main}: dispatch runs only for the default branch; ${fix}`;
  }
  return undefined;
}

function rangeFromArgs(values: Record<string, unknown>, io: CommandIO): Range {
  const before = values.before as string | undefined;
  const after = values.after as string | undefined;
  const event = values.event as string | undefined;
  if (before !== undefined || after !== undefined) {
    if (event !== undefined) return { error: '--event cannot be combined with --before/--after' };
    if (!before || !after) return { error: '--before and --after must be given together' };
    return { before, after };
  }
  const path = event ?? io.env.GITHUB_EVENT_PATH;
  if (!path) return { error: 'give --before and --after, or --event PATH (or set GITHUB_EVENT_PATH)' };
  const json = readEvent(io, path);
  if ('error' in json) return json;
  if (typeof json?.before !== 'string' || typeof json?.after !== 'string') {
    return {
      error: `${path} is not a push event (no "before"/"after"); run on \`on: push\`, or pass --before and --after`,
    };
  }
  return {
    before: json.before,
    after: json.after,
    ...(typeof json.ref === 'string' ? { ref: json.ref } : {}),
  };
}

function short(d: string | null | undefined): string {
  return shortDigest(d, { absent: '(new)' });
}

function tagName(m: { namespace: string; stream: string; tag: string }): string {
  return `${m.namespace}/${m.stream}:${m.tag}`;
}

function renderResult(r: DispatchResult): string {
  const label = r.status === 'sent' ? 'sent   ' : r.status === 'dry-run' ? 'would  ' : 'FAILED ';
  const names = r.tags.length > 1 ? r.tags.join(', ') : tagName(r);
  const line = `${label} ${r.description} ← ${names} ${short(r.old)} → ${short(r.new)}`;
  return r.error ? `${line}\n        ${r.error.message.replace(/\n/g, '\n        ')}\n` : `${line}\n`;
}

function dispatches(n: number): string {
  return `${n} dispatch${n === 1 ? '' : 'es'}`;
}

/** Builds the dispatch command with replaceable edges (the registered command uses the defaults). */
export function createDispatchCommand(deps: DispatchCommandDeps = {}): Command {
  return {
    name: 'dispatch',
    summary:
      'after a merge, send repository_dispatch / workflow_dispatch / commands for every tag that moved',
    help: HELP,
    options: {
      ...PROJECT_OPTIONS,
      before: { type: 'string' },
      after: { type: 'string' },
      event: { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
    async run(args, rawIo) {
      if (args.positionals.length > 0)
        return usageError(rawIo, `unexpected argument "${args.positionals[0]}"`);
      const refused = eventRefusal(rawIo, args.values.event as string | undefined);
      if (refused) return usageError(rawIo, refused);
      const range = rangeFromArgs(args.values, rawIo);
      if ('error' in range) return usageError(rawIo, range.error);
      const root = resolve(rawIo.cwd);
      const configPath = typeof args.values.config === 'string' ? args.values.config : undefined;
      const loaded = await loadConfig(nodeFs.promises, {
        read: readRegular,
        root,
        cwd: root,
        ...(configPath !== undefined ? { configPath } : {}),
      });
      const configErrors = loaded.diagnostics.filter((d) => d.severity === 'error');
      if (configErrors.length > 0) {
        printDiagnostics(configErrors, rawIo, rawIo.stderr);
        return EXIT.USAGE;
      }
      const { config } = loaded;
      const json = args.values.json === true;
      const dryRun = args.values['dry-run'] === true;

      // Every token a target may use is masked in everything this command prints, and kept from commands.
      const secretEnv = [
        ...config.dispatch.flatMap((t) => (t.tokenEnv ? [t.tokenEnv] : [])),
        ...Object.values(config.registries).flatMap((r) =>
          r.credentials ? [r.credentials.usernameEnv, r.credentials.passwordEnv] : [],
        ),
      ];
      const allSecrets = tokenValues(secretEnv, rawIo.env);
      const io: CommandIO = {
        ...rawIo,
        stdout: (t) => rawIo.stdout(redact(t, allSecrets)),
        stderr: (t) => rawIo.stderr(redact(t, allSecrets)),
      };
      const fail = (e: unknown): number => {
        const msg =
          e instanceof ImagestreamsError ? e.message : `unexpected error: ${(e as Error)?.message ?? e}`;
        io.stderr(`imagestreams dispatch: ${msg}\n`);
        return EXIT.FAILURE;
      };

      if (/^0+$/.test(range.after)) {
        io.stderr('dispatch: the push deleted the branch; nothing to dispatch\n');
        if (json) io.stdout(`${JSON.stringify({ ok: true, moved: [], results: [] }, null, 2)}\n`);
        return EXIT.OK;
      }
      const fs = nodeFs;
      let after: string;
      let before: string | undefined;
      let moved: MovedTag[];
      const lockErrors: ImagestreamsError[] = [];
      try {
        after = await resolveCommit({ fs, dir: root, ref: range.after });
        before =
          range.before === ZERO_SHA ? undefined : await resolveCommit({ fs, dir: root, ref: range.before });
        const now = await readLocksAtCommit({ fs, dir: root, commit: after, lockDir: config.lockDir });
        const prev = before
          ? await readLocksAtCommit({ fs, dir: root, commit: before, lockDir: config.lockDir })
          : undefined;
        lockErrors.push(...now.errors);
        // A lock that was invalid before and valid now: its tags count as new.
        moved = movedTags(prev?.locks, now.locks);
      } catch (e) {
        return fail(e);
      }

      const source = {
        ...(io.env.GITHUB_REPOSITORY ? { repository: io.env.GITHUB_REPOSITORY } : {}),
        sha: after,
      };
      const jobs = planDispatches(config.dispatch, moved, source);
      const results = await executeDispatches(
        jobs,
        {
          github: (token) =>
            createGitHub({
              token,
              ...(io.env.GITHUB_API_URL ? { baseUrl: io.env.GITHUB_API_URL } : {}),
              logger: io.logger,
              ...deps.githubOptions,
            }),
          runCommand: deps.runCommand ?? runCommand,
          env: io.env,
          secretEnv,
          cwd: root,
          logger: io.logger,
        },
        { dryRun },
      );
      const failed = results.filter((r) => r.status === 'failed');
      const ok = failed.length === 0 && lockErrors.length === 0;
      const range7 = `${before ? before.slice(0, 7) : '(none)'}..${after.slice(0, 7)}`;

      if (json) {
        io.stdout(
          `${JSON.stringify(
            {
              ok,
              dryRun,
              before: before ?? null,
              after,
              moved: moved.map((m) => ({
                namespace: m.namespace,
                stream: m.stream,
                tag: m.tag,
                old: m.old?.image ?? null,
                new: m.new.image,
                dockerImageReference: m.new.dockerImageReference,
              })),
              results,
              lockErrors: lockErrors.map((e) => ({ code: e.code, message: e.message })),
            },
            null,
            2,
          )}\n`,
        );
        return ok ? EXIT.OK : EXIT.FAILURE;
      }
      for (const e of lockErrors) io.stdout(`${e.message}\n`);
      for (const m of moved)
        io.stdout(`moved   ${tagName(m)} ${short(m.old?.image)} → ${short(m.new.image)}\n`);
      for (const r of results) io.stdout(renderResult(r));
      if (io.env.GITHUB_ACTIONS === 'true') {
        for (const r of failed) {
          (io.command ?? io.stdout)(
            workflowCommand(
              'error',
              { title: 'imagestreams dispatch' },
              `${tagName(r)}: ${r.error?.message}`,
            ),
          );
        }
      }
      const summary =
        moved.length === 0
          ? `no tag moved in ${range7}; nothing to dispatch`
          : config.dispatch.length === 0
            ? `${plural(moved.length, 'tag')} moved in ${range7}; no dispatch targets configured`
            : `${plural(moved.length, 'tag')} moved in ${range7}; ` +
              (dryRun
                ? `${dispatches(results.filter((r) => r.status === 'dry-run').length)} would be sent`
                : `${results.filter((r) => r.status === 'sent').length} sent`) +
              (failed.length > 0 ? `, ${failed.length} failed` : '') +
              (lockErrors.length > 0 ? `, ${plural(lockErrors.length, 'invalid lock file')}` : '');
      io.stderr(`dispatch: ${summary}\n`);
      return ok ? EXIT.OK : EXIT.FAILURE;
    },
  };
}

/** The dispatch command (see HELP). */
export const dispatchCommand: Command = createDispatchCommand();
