// `imagestreams dispatch`: after a lock change lands on the default branch, notify the configured targets
// (repository_dispatch, workflow_dispatch, commands) once per image digest that tags moved to between two commits.

import { type DispatchOutcome, dispatchJson, runDispatch } from '../../app/dispatch.js';
import { connectGitHub } from '../../app/github.js';
import type { DispatchDeps, DispatchResult } from '../../dispatch/run.js';
import type { CreateGitHubOptions } from '../../github/client.js';
import { ImagestreamsError } from '../../model/errors.js';
import { omitUndefined } from '../../util/omit-undefined.js';
import { redact } from '../../util/redact.js';
import { shortDigest } from '../../util/text.js';
import { type Command, usageError } from '../command.js';
import { eventRefusal, rangeFromArgs } from '../dispatch-event.js';
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

/** The text of an error that stopped the run before any dispatch (exit 1). */
export function dispatchErrorText(e: unknown): string {
  const msg = e instanceof ImagestreamsError ? e.message : `unexpected error: ${(e as Error)?.message ?? e}`;
  return `imagestreams dispatch: ${msg}\n`;
}

/** The line a run that found the branch deleted logs. */
export const DELETED_TEXT = 'dispatch: the push deleted the branch; nothing to dispatch\n';

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
        return usageError(rawIo, 'dispatch', `unexpected argument "${args.positionals[0]}"`);
      const refused = eventRefusal(rawIo, args.values.event as string | undefined);
      if (refused) return usageError(rawIo, 'dispatch', refused);
      const range = rangeFromArgs(args.values, rawIo);
      if ('error' in range) return usageError(rawIo, 'dispatch', range.error);
      const json = args.values.json === true;
      const dryRun = args.values['dry-run'] === true;
      const apiUrl = rawIo.env.GITHUB_API_URL;
      const repository = rawIo.env.GITHUB_REPOSITORY;
      const outcome = await runDispatch(rawIo, {
        before: range.before,
        after: range.after,
        dryRun,
        github: (token) =>
          connectGitHub(rawIo.logger, {
            token,
            ...omitUndefined({ apiUrl: apiUrl || undefined, overrides: deps.githubOptions }),
          }),
        ...omitUndefined({
          configPath: typeof args.values.config === 'string' ? args.values.config : undefined,
          repository: repository || undefined,
          runCommand: deps.runCommand,
        }),
      });
      if (outcome.kind === 'invalid-config') {
        printDiagnostics(outcome.diagnostics, rawIo, rawIo.stderr);
        return EXIT.USAGE;
      }
      if (outcome.kind === 'deleted') {
        rawIo.stderr(DELETED_TEXT);
        if (json) rawIo.stdout(`${JSON.stringify({ ok: true, moved: [], results: [] }, null, 2)}\n`);
        return EXIT.OK;
      }
      // Every token a target may use is masked in everything this command prints, and kept from commands.
      const io: CommandIO = {
        ...rawIo,
        stdout: (t) => rawIo.stdout(redact(t, outcome.secrets)),
        stderr: (t) => rawIo.stderr(redact(t, outcome.secrets)),
      };
      if (outcome.kind === 'error') {
        io.stderr(dispatchErrorText(outcome.error));
        return EXIT.FAILURE;
      }
      return printDispatch(outcome, io, json, dryRun);
    },
  };
}

/** Print a finished run: per moved tag and per dispatch a line (JSON with --json), then the summary. */
function printDispatch(
  outcome: DispatchOutcome & { kind: 'done' },
  io: CommandIO,
  json: boolean,
  dryRun: boolean,
): number {
  const { ok, before, after, moved, results, lockErrors } = outcome;
  if (json) {
    io.stdout(`${JSON.stringify(dispatchJson(outcome), null, 2)}\n`);
    return ok ? EXIT.OK : EXIT.FAILURE;
  }
  const failed = results.filter((r) => r.status === 'failed');
  const range7 = `${before ? before.slice(0, 7) : '(none)'}..${after.slice(0, 7)}`;
  for (const e of lockErrors) io.stdout(`${e.message}\n`);
  for (const m of moved) io.stdout(`moved   ${tagName(m)} ${short(m.old?.image)} → ${short(m.new.image)}\n`);
  for (const r of results) io.stdout(renderResult(r));
  if (io.env.GITHUB_ACTIONS === 'true') {
    for (const r of failed) {
      (io.command ?? io.stdout)(
        workflowCommand('error', { title: 'imagestreams dispatch' }, `${tagName(r)}: ${r.error?.message}`),
      );
    }
  }
  const summary =
    moved.length === 0
      ? `no tag moved in ${range7}; nothing to dispatch`
      : outcome.targets === 0
        ? `${plural(moved.length, 'tag')} moved in ${range7}; no dispatch targets configured`
        : `${plural(moved.length, 'tag')} moved in ${range7}; ` +
          (dryRun
            ? `${dispatches(results.filter((r) => r.status === 'dry-run').length)} would be sent`
            : `${results.filter((r) => r.status === 'sent').length} sent`) +
          (failed.length > 0 ? `, ${failed.length} failed` : '') +
          (lockErrors.length > 0 ? `, ${plural(lockErrors.length, 'invalid lock file')}` : '');
  io.stderr(`dispatch: ${summary}\n`);
  return ok ? EXIT.OK : EXIT.FAILURE;
}

/** The dispatch command (see HELP). */
export const dispatchCommand: Command = createDispatchCommand();
