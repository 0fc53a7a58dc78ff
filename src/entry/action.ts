// The GitHub Action entry: the only place that reads INPUT_*, GITHUB_* and the event file. It builds typed
// options, runs the core (runJob, runReconcile, and the validate/verify/dispatch commands), and reports through
// @actions/core: outputs, job summary, annotations on the exact lines, masked secrets; failure is set once, at the top.

import * as nodeFs from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import * as core from '@actions/core';
import { runJob } from '../app/job.js';
import { lockWarnings } from '../app/lock-warnings.js';
import { isUsageDiagnostic } from '../app/project.js';
import { type RunReconcileResult, runReconcile } from '../app/reconcile.js';
import { loadConfig } from '../config/load.js';
import { type ConsumerDiagnostic, toDiagnostic } from '../consumers/index.js';
import { formatFinding, type VerifyFinding } from '../consumers/verify.js';
import type { DispatchResult } from '../dispatch/run.js';
import { tokenValues } from '../dispatch/run.js';
import { redact } from '../git/redact.js';
import { createGitHub } from '../github/client.js';
import { commentOnPullRequest } from '../github/pulls.js';
import { type LoadedProject, loadProject } from '../loader/load.js';
import { compareDiagnostics, type Diagnostic, formatDiagnostic } from '../model/diagnostic.js';
import { ImagestreamsError } from '../model/errors.js';
import {
  PLAN_COMMENT_MARKER,
  renderJobSummary,
  renderPlanComment,
  type SummaryInput,
  type SummaryRun,
} from '../plan/summary.js';
import type { PublishMode, PublishResult } from '../publish/publish.js';
import { createLogger } from '../util/logger.js';
import { type Command, type ParsedArgs, runCommandArgv } from './command.js';
import { dispatchCommand } from './commands/dispatch.js';
import { importCommand } from './commands/import.js';
import { plural } from './commands/project.js';
import { printRun, reconcileJson } from './commands/reconcile.js';
import { rollbackCommand } from './commands/rollback.js';
import { tagCommand } from './commands/tag.js';
import { verifyCommand } from './commands/verify.js';
import { type CommandIO, EXIT } from './io.js';
import { progressReporter } from './progress.js';
import { neutralizeCommands } from './workflow-commands.js';

/** What the workflow asked for (action.yml inputs), typed and checked. */
export interface ActionInputs {
  command: 'reconcile' | 'plan' | 'validate' | 'verify' | 'dispatch' | EditCommand;
  /** Arguments of an editing command (tag, import, rollback), split on white space (no shell). */
  args?: string[];
  token?: string;
  config?: string;
  publish?: PublishMode;
  dryRun: boolean;
  streams: string[];
  workingDirectory: string;
  metadata: boolean;
  comment: boolean;
}

/** The pull request an event is about. */
export interface EventPullRequest {
  number: number;
  headRef: string;
  baseRef: string;
  headSha?: string;
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

/** Everything one run produced; runAction turns it into outputs, annotations, a summary and the exit status. */
export interface ActionOutcome {
  exitCode: number;
  changed: boolean;
  pullRequests: Array<{ number: number; url: string; stream: string; status: string }>;
  result: Record<string, unknown>;
  summary: SummaryInput;
  /** Diagnostics to annotate, paths relative to the workspace. */
  annotations: Diagnostic[];
  /** Why the run failed (set when exitCode is not 0). */
  failure?: string;
  /** Non-fatal problems (shown as warnings). */
  warnings: string[];
}

const EDIT_COMMANDS = ['tag', 'import', 'rollback'] as const;
type EditCommand = (typeof EDIT_COMMANDS)[number];
const COMMANDS = ['reconcile', 'plan', 'validate', 'verify', 'dispatch', ...EDIT_COMMANDS] as const;
const PUBLISH_MODES = ['pull-request', 'commit', 'none'] as const;
const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);

function inputError(message: string): ImagestreamsError {
  return new ImagestreamsError('ACTION_INPUT', message, { permanent: true });
}

/** An input as the runner passes it: INPUT_<NAME upper-cased, spaces as _>, trimmed ("" when unset). */
function input(env: Record<string, string | undefined>, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

function booleanInput(env: Record<string, string | undefined>, name: string, dflt: boolean): boolean {
  const v = input(env, name);
  if (v === '') return dflt;
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  if (['false', 'False', 'FALSE'].includes(v)) return false;
  throw inputError(`input "${name}" must be true or false, not "${v}"`);
}

/** Reads and checks the inputs; contradictory or unknown values are refused with a message. */
export function readInputs(env: Record<string, string | undefined>): ActionInputs {
  const command = input(env, 'command') || 'reconcile';
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw inputError(`input "command" must be one of ${COMMANDS.join(', ')}, not "${command}"`);
  }
  const publish = input(env, 'publish');
  if (publish && !(PUBLISH_MODES as readonly string[]).includes(publish)) {
    throw inputError(`input "publish" must be one of ${PUBLISH_MODES.join(', ')}, not "${publish}"`);
  }
  const token = input(env, 'token');
  const config = input(env, 'config');
  const args = input(env, 'args').split(/\s+/).filter(Boolean);
  const edit = (EDIT_COMMANDS as readonly string[]).includes(command);
  if (args.length > 0 && !edit) {
    throw inputError(`input "args" is for the ${EDIT_COMMANDS.join(', ')} commands, not "${command}"`);
  }
  if (edit && args.length === 0) throw inputError(`command "${command}" needs its arguments in input "args"`);
  const reserved = args.find((a) => /^--(publish|json|config|dry-run)(=|$)/.test(a));
  if (reserved) {
    throw inputError(
      `input "args" must not set ${reserved.split('=')[0]}: use the inputs publish, config and dry-run`,
    );
  }
  return {
    command: command as ActionInputs['command'],
    ...(args.length > 0 ? { args } : {}),
    ...(token ? { token } : {}),
    ...(config ? { config } : {}),
    ...(publish ? { publish: publish as PublishMode } : {}),
    dryRun: booleanInput(env, 'dry-run', false),
    streams: input(env, 'streams')
      .split(/[\n,]/)
      .map((s) => s.trim())
      .filter(Boolean),
    workingDirectory: input(env, 'working-directory') || '.',
    metadata: booleanInput(env, 'metadata', true),
    comment: booleanInput(env, 'comment', true),
  };
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
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

/** Values to mask: the token input, GITHUB_TOKEN, and every env variable the config names for credentials. */
export async function secretValues(
  inputs: ActionInputs,
  root: string,
  env: Record<string, string | undefined>,
): Promise<string[]> {
  const { config } = await loadConfig(nodeFs.promises, {
    root,
    cwd: root,
    ...(inputs.config ? { configPath: inputs.config } : {}),
  });
  const names = [
    ...Object.values(config.registries).flatMap((r) =>
      r.credentials ? [r.credentials.usernameEnv, r.credentials.passwordEnv] : [],
    ),
    ...config.dispatch.flatMap((t) => (t.tokenEnv ? [t.tokenEnv] : [])),
  ];
  const values = tokenValues(names, env);
  if (inputs.token && !values.includes(inputs.token)) values.unshift(inputs.token);
  return values;
}

/** Dependencies of a run (tests may replace the clock). */
export interface ActionDeps {
  env: Record<string, string | undefined>;
  now?: () => Date;
  /** Where human-readable log lines go (the runner's log). */
  log: (text: string) => void;
  secrets: string[];
}

/** Combine exit codes: bad input wins over failure, failure over success. */
function worst(...codes: number[]): number {
  if (codes.includes(EXIT.USAGE)) return EXIT.USAGE;
  return codes.some((c) => c !== EXIT.OK) ? EXIT.FAILURE : EXIT.OK;
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

/** A command run with its output captured (validate/verify/dispatch are reused as they are, with --json). */
async function runCaptured(
  cmd: Command,
  values: ParsedArgs['values'],
  io: CommandIO,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await cmd.run(
    { values: { ...values, json: true }, positionals: [] },
    {
      ...io,
      stdout: (t) => {
        out += t;
      },
      stderr: (t) => {
        err += t;
      },
    },
  );
  return { code, out, err };
}

function parseJson(text: string): Json | undefined {
  try {
    return obj(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function summaryRun(r: RunReconcileResult): SummaryRun | undefined {
  if (!r.result) return undefined;
  return {
    dryRun: r.result.dryRun,
    due: r.result.imports.length,
    failed: r.result.failed + r.result.failedPins.length,
    failedPins: r.result.failedPins.length,
    skipped: r.result.skipped,
    changes: r.result.changes,
    consumers: r.consumers?.changes ?? [],
    written: r.written,
  };
}

function publishSummary(p: PublishResult): NonNullable<SummaryInput['publish']> {
  return {
    mode: p.mode,
    ...(p.skipped ? { skipped: { reason: p.skipped.reason } } : {}),
    groups: p.groups.map((g) => ({
      key: g.key,
      status: g.status,
      ...(g.branch ? { branch: g.branch } : {}),
      ...(g.pullRequest ? { pullRequest: g.pullRequest } : {}),
      ...(g.reason ? { reason: g.reason } : {}),
      ...(g.error ? { error: { message: g.error.message } } : {}),
    })),
  };
}

/** What failed in a finished run, in words: imports, pins, broken consumers. */
function runFailures(run: RunReconcileResult): string {
  const parts: string[] = [];
  const failed = run.result?.failed ?? 0;
  const pins = run.result?.failedPins.length ?? 0;
  const consumers = (run.consumers?.diagnostics ?? []).filter((d) => d.severity === 'error').length;
  if (failed || (!pins && !consumers && !run.skippedStreams)) parts.push(`${failed} import(s) failed`);
  if (pins) parts.push(`${pins} pinned image(s) not in the history`);
  if (consumers) parts.push(`${consumers} broken marker(s) or trigger(s)`);
  if (run.skippedStreams)
    parts.push(
      `invalid stream(s) skipped: ${run.skippedStreams.streams.join(', ') || 'see the annotations'}`,
    );
  return parts.join(', ');
}

/** Runs what the inputs and the event ask for; never touches @actions/core (runAction reports the outcome). */
export async function executeAction(
  inputs: ActionInputs,
  ctx: ActionContext,
  deps: ActionDeps,
): Promise<ActionOutcome> {
  const cwd = resolve(ctx.workspace, inputs.workingDirectory);
  const mask = (s: string) => redact(s, deps.secrets);
  const pr = ctx.pullRequest;
  const fork = pr?.fork === true;
  // A fork's run gets no credentials: the token is not even put into the environment the commands see.
  const env: Record<string, string | undefined> = { ...deps.env };
  if (fork) delete env.GITHUB_TOKEN;
  else if (inputs.token) env.GITHUB_TOKEN = inputs.token;
  // Log text can carry upstream words (registry errors, labels): a line may never start a workflow command.
  const logLine = (t: string) => deps.log(neutralizeCommands(mask(t)));
  const io: CommandIO = {
    stdout: logLine,
    stderr: logLine,
    env,
    cwd,
    now: deps.now ?? (() => new Date()),
    isTTY: false,
    logger: createLogger(logLine, { level: env.RUNNER_DEBUG === '1' ? 'debug' : 'info', redact: mask }),
  };
  // printRun and the commands print their own ::error lines inside Actions; here annotations come from the data.
  const quietIo: CommandIO = { ...io, env: { ...env, GITHUB_ACTIONS: undefined } };
  const configArgs: ParsedArgs['values'] = inputs.config ? { config: inputs.config } : {};
  const relToWorkspace = (file: string) =>
    toPosix(relative(ctx.workspace, isAbsolute(file) ? file : join(cwd, file)));

  const outcome: ActionOutcome = {
    exitCode: EXIT.OK,
    changed: false,
    pullRequests: [],
    result: { command: inputs.command, ...(ctx.eventName ? { event: ctx.eventName } : {}) },
    summary: {
      command: inputs.command,
      exitCode: EXIT.OK,
      notes: [],
      ...(ctx.eventName ? { event: ctx.eventName } : {}),
    },
    annotations: [],
    warnings: [],
  };
  const failures: string[] = [];
  const annotate = (diags: readonly Diagnostic[]) => {
    for (const d of diags) outcome.annotations.push({ ...d, file: relToWorkspace(d.file) });
  };

  const validate = async (): Promise<{ code: number; project: LoadedProject }> => {
    const project = await loadProject({ cwd, ...(inputs.config ? { configPath: inputs.config } : {}) });
    project.diagnostics = [...project.diagnostics, ...(await lockWarnings(project))].sort(compareDiagnostics);
    const errors = project.diagnostics.filter((d) => d.severity === 'error');
    for (const d of project.diagnostics) io.stdout(`${formatDiagnostic(d)}\n`);
    io.stdout(
      `validate: ${plural(project.files.length, 'file')}, ${plural(project.tags, 'tag')}: ${errors.length === 0 ? 'valid' : plural(errors.length, 'error')}\n`,
    );
    annotate(project.diagnostics);
    outcome.summary.validation = {
      files: project.files.length,
      tags: project.tags,
      diagnostics: project.diagnostics,
    };
    outcome.result.validate = {
      valid: errors.length === 0,
      files: project.files.length,
      streams: project.streams.length,
      tags: project.tags,
      diagnostics: project.diagnostics,
    };
    const code = project.diagnostics.some(isUsageDiagnostic)
      ? EXIT.USAGE
      : errors.length > 0
        ? EXIT.FAILURE
        : EXIT.OK;
    if (code !== EXIT.OK) failures.push(`validate: ${errors.length} error(s) in the declarations or config`);
    return { code, project };
  };

  const verify = async (): Promise<number> => {
    const r = await runCaptured(verifyCommand, configArgs, quietIo);
    const json = parseJson(r.out);
    if (!json) {
      io.stderr(r.err);
      failures.push(`verify: ${r.err.trim() || `exit code ${r.code}`}`);
      return r.code;
    }
    const findings = (json.findings ?? []) as VerifyFinding[];
    const errors = (json.errors ?? []) as ConsumerDiagnostic[];
    const diags: Diagnostic[] = [
      ...errors.map((e) => toDiagnostic(e)),
      ...findings.map((f) => ({
        file: f.file,
        line: f.line,
        column: 1,
        code: `CONSUMER_${f.status.toUpperCase()}`,
        severity: 'error' as const,
        message: formatFinding(f).slice(`${f.file}:${f.line}: `.length),
      })),
    ];
    for (const d of diags) io.stdout(`${formatDiagnostic(d)}\n`);
    io.stdout(
      `verify: ${plural(Number(json.consumers ?? 0), 'consumer')}, ${plural(diags.length, 'problem')}\n`,
    );
    annotate(diags);
    outcome.summary.verify = {
      consumers: Number(json.consumers ?? 0),
      findings: diags.map((d) => ({ file: d.file, line: d.line, message: d.message })),
    };
    outcome.result.verify = json;
    if (r.code !== EXIT.OK) failures.push(`verify: ${diags.length} consumer problem(s)`);
    return r.code;
  };

  const reportRun = (run: RunReconcileResult, published?: PublishResult): number => {
    const code = printRun(run, quietIo, false, published, {
      groups: true,
      // printRun escapes the group title; these lines are the Action's own commands, not neutralised.
      command: (line) => deps.log(mask(line)),
    });
    if (run.status === 'invalid') annotate(run.diagnostics);
    else annotate([...(run.skippedStreams?.diagnostics ?? []), ...(run.consumers?.diagnostics ?? [])]);
    const sr = summaryRun(run);
    if (sr) outcome.summary.run = sr;
    outcome.changed = run.written.length > 0;
    outcome.result.reconcile = reconcileJson(run);
    if (code !== EXIT.OK) {
      failures.push(
        run.usage
          ? `reconcile: ${run.usage}`
          : run.status === 'invalid'
            ? 'reconcile: invalid declarations or lock files; nothing was written'
            : `reconcile: ${runFailures(run)}${published?.groups.some((g) => g.status === 'failed') ? ', publishing failed' : ''}`,
      );
    }
    return code;
  };

  const only = inputs.streams.length > 0 ? new Set(inputs.streams) : undefined;
  const planOnPullRequest = pr && (inputs.command === 'plan' || inputs.command === 'reconcile');

  if (inputs.command === 'validate') {
    outcome.exitCode = (await validate()).code;
  } else if (inputs.command === 'verify') {
    outcome.exitCode = await verify();
  } else if (inputs.command === 'dispatch') {
    outcome.exitCode = await dispatch(inputs, ctx, quietIo, configArgs, outcome, failures);
  } else if ((EDIT_COMMANDS as readonly string[]).includes(inputs.command)) {
    outcome.exitCode = await editCommand(inputs, ctx, io, outcome, failures);
  } else if (planOnPullRequest || inputs.command === 'plan') {
    const v = await validate();
    const verified = await verify();
    let planCode: number = EXIT.OK;
    let run: RunReconcileResult | undefined;
    if (fork) {
      outcome.summary.notes!.push(
        `Plan skipped: pull request #${pr.number} comes from a fork (${pr.headRepository ?? 'a deleted repository'}). ` +
          'Runs for forks get no credentials, so no token was used and no registry was contacted; ' +
          'validation and verify ran. The plan runs once the change is in a branch of this repository.',
      );
      outcome.result.fork = true;
    } else if (v.code !== EXIT.OK) {
      outcome.summary.notes!.push('Plan skipped: the declarations are invalid (see Validation).');
    } else {
      run = await runReconcile(io, {
        dryRun: true,
        project: v.project,
        withMetadata: inputs.metadata,
        ...(only ? { only } : {}),
      });
      planCode = reportRun(run);
    }
    if (pr && !fork) {
      outcome.summary.comment = await commentPlan(inputs, ctx, pr, io, {
        ...(run && summaryRun(run) ? { run: summaryRun(run)! } : {}),
        validationErrors: v.project.diagnostics.filter((d) => d.severity === 'error').length,
        verifyProblems: outcome.summary.verify?.findings.length ?? 0,
        ...(pr.headSha ? { sha: pr.headSha } : {}),
      }).catch((e: unknown) => {
        const msg = mask(e instanceof Error ? e.message : String(e));
        outcome.warnings.push(`the plan comment could not be written: ${msg}`);
        return { skipped: msg };
      });
      outcome.result.comment = outcome.summary.comment;
    } else if (pr && fork) {
      outcome.summary.comment = { skipped: 'pull requests from forks get no token to comment with' };
    }
    outcome.exitCode = worst(v.code, verified, planCode);
  } else {
    const job = await runJob(io, {
      ...(inputs.publish ? { publishMode: inputs.publish } : {}),
      ...(inputs.config ? { configPath: inputs.config } : {}),
      ...(inputs.token ? { token: inputs.token } : {}),
      ...(ctx.repository ? { repository: ctx.repository } : {}),
      ...(ctx.apiUrl ? { apiUrl: ctx.apiUrl } : {}),
      dryRun: inputs.dryRun,
      withMetadata: inputs.metadata,
      ...(only ? { only } : {}),
      onProgress: progressReporter(io),
    });
    outcome.exitCode = reportRun(job.run, job.publish);
    if (job.publish) {
      outcome.summary.publish = publishSummary(job.publish);
      outcome.result.publish = job.publish;
      for (const g of job.publish.groups) {
        if (g.pullRequest) outcome.pullRequests.push({ ...g.pullRequest, stream: g.key, status: g.status });
      }
    }
  }

  outcome.summary.exitCode = outcome.exitCode;
  outcome.result.exitCode = outcome.exitCode;
  if (outcome.exitCode !== EXIT.OK) {
    outcome.failure = failures.length > 0 ? failures.join('; ') : `exit code ${outcome.exitCode}`;
  }
  return outcome;
}

/** Creates or updates the one plan comment on the pull request. */
async function commentPlan(
  inputs: ActionInputs,
  ctx: ActionContext,
  pr: EventPullRequest,
  io: CommandIO,
  plan: Parameters<typeof renderPlanComment>[0],
): Promise<{ number: number } | { skipped: string }> {
  if (!inputs.comment) return { skipped: 'the comment input is false' };
  const token = io.env.GITHUB_TOKEN;
  if (!token) return { skipped: 'no token (set the token input)' };
  if (!ctx.repository?.includes('/')) return { skipped: 'GITHUB_REPOSITORY is not set' };
  const [owner, repo] = ctx.repository.split('/', 2) as [string, string];
  const octokit = createGitHub({
    token,
    logger: io.logger,
    ...(ctx.apiUrl ? { baseUrl: ctx.apiUrl } : {}),
  });
  const number = await commentOnPullRequest(
    { octokit, logger: io.logger },
    { owner, repo, head: pr.headRef, base: pr.baseRef },
    renderPlanComment(plan),
    PLAN_COMMENT_MARKER,
  );
  return number === null ? { skipped: `pull request #${pr.number} is not open` } : { number };
}

/**
 * tag, import or rollback, as the CLI runs them with --publish: the declaration edit, the locks and the consumers
 * go out together (a pull request by default). Never on pull_request events: an edit is a maintainer's act.
 */
async function editCommand(
  inputs: ActionInputs,
  ctx: ActionContext,
  io: CommandIO,
  outcome: ActionOutcome,
  failures: string[],
): Promise<number> {
  if (ctx.pullRequest) {
    failures.push(
      `${inputs.command} edits declarations and publishes them; run it on workflow_dispatch, schedule or push, not on "${ctx.eventName}"`,
    );
    return EXIT.USAGE;
  }
  const argv = [
    inputs.command,
    ...(inputs.args ?? []),
    '--publish',
    inputs.publish ?? 'pull-request',
    '--json',
    ...(inputs.config ? ['--config', inputs.config] : []),
    ...(inputs.dryRun ? ['--dry-run'] : []),
  ];
  let out = '';
  let err = '';
  const cmd = { tag: tagCommand, import: importCommand, rollback: rollbackCommand }[
    inputs.command as EditCommand
  ];
  const code = await runCommandArgv(cmd, argv.slice(1), {
    ...io,
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
  });
  io.stderr(err);
  const json = parseJson(out);
  const publish = obj(json?.publish) as PublishResult | undefined;
  if (publish) {
    outcome.summary.publish = publishSummary(publish);
    outcome.result.publish = publish;
    for (const g of publish.groups ?? []) {
      if (g.pullRequest) outcome.pullRequests.push({ ...g.pullRequest, stream: g.key, status: g.status });
    }
  }
  outcome.changed = Array.isArray(json?.written) ? json.written.length > 0 : outcome.changed;
  outcome.result[inputs.command] = json ?? { exitCode: code };
  if (code !== EXIT.OK)
    failures.push(`${inputs.command}: ${err.trim().split('\n').pop() || `exit code ${code}`}`);
  return code;
}

/** The dispatch command with before/after from the push event. */
async function dispatch(
  inputs: ActionInputs,
  ctx: ActionContext,
  io: CommandIO,
  configArgs: ParsedArgs['values'],
  outcome: ActionOutcome,
  failures: string[],
): Promise<number> {
  if (!ctx.push) {
    failures.push(
      `dispatch needs a push event (before/after commits), but the event is "${ctx.eventName || 'unknown'}"; run it on \`on: push\``,
    );
    return EXIT.USAGE;
  }
  const r = await runCaptured(
    dispatchCommand,
    {
      before: ctx.push.before,
      after: ctx.push.after,
      ...(inputs.dryRun ? { 'dry-run': true } : {}),
      ...configArgs,
    },
    io,
  );
  io.stderr(r.err);
  const json = parseJson(r.out);
  if (!json) {
    failures.push(`dispatch: ${r.err.trim() || `exit code ${r.code}`}`);
    return r.code;
  }
  const results = (json.results ?? []) as DispatchResult[];
  for (const x of results) {
    io.stdout(`${x.status} ${x.description} ← ${x.namespace}/${x.stream}:${x.tag}\n`);
  }
  outcome.summary.dispatch = { moved: ((json.moved ?? []) as unknown[]).length, results };
  outcome.result.dispatch = json;
  if (r.code !== EXIT.OK) {
    const failed = results.filter((x) => x.status === 'failed').length;
    failures.push(
      `dispatch: ${failed} dispatch(es) failed${json.lockErrors ? ' or a lock file is invalid' : ''}`,
    );
  }
  return r.code;
}

/** The Action's main: read, mask, run, report; the one place the step's failure is set. */
export async function runAction(env: Record<string, string | undefined> = process.env): Promise<number> {
  let secrets: string[] = [];
  const mask = (s: string) => redact(s, secrets);
  let outcome: ActionOutcome;
  try {
    const inputs = readInputs(env);
    if (inputs.token) {
      secrets = [inputs.token];
      core.setSecret(inputs.token);
    }
    const ctx = readContext(env);
    secrets = await secretValues(inputs, resolve(ctx.workspace, inputs.workingDirectory), env);
    for (const s of secrets) core.setSecret(s);
    outcome = await executeAction(inputs, ctx, {
      env,
      secrets,
      log: (t) => {
        process.stdout.write(t);
      },
    });
  } catch (e) {
    const usage = e instanceof ImagestreamsError && e.code === 'ACTION_INPUT';
    const message =
      e instanceof ImagestreamsError ? e.message : `unexpected error: ${(e as Error)?.stack ?? e}`;
    const code = usage ? EXIT.USAGE : EXIT.FAILURE;
    outcome = {
      exitCode: code,
      changed: false,
      pullRequests: [],
      result: { exitCode: code, error: message },
      summary: { command: env.INPUT_COMMAND || 'reconcile', exitCode: code, notes: [message] },
      annotations: [],
      failure: message,
      warnings: [],
    };
  }

  for (const d of outcome.annotations) {
    const props: core.AnnotationProperties = {
      title: `imagestreams ${d.code}`,
      file: d.file,
      startLine: d.line,
      startColumn: d.column,
      ...(d.endLine !== undefined ? { endLine: d.endLine } : {}),
      ...(d.endColumn !== undefined && d.endLine === d.line ? { endColumn: d.endColumn } : {}),
    };
    if (d.severity === 'warning') core.warning(mask(d.message), props);
    else core.error(mask(d.message), props);
  }
  for (const w of outcome.warnings) core.warning(mask(w));
  if (env.GITHUB_OUTPUT) {
    core.setOutput('changed', outcome.changed ? 'true' : 'false');
    core.setOutput('pull-requests', mask(JSON.stringify(outcome.pullRequests)));
    core.setOutput('result', mask(JSON.stringify(outcome.result)));
    core.setOutput('exit-code', String(outcome.exitCode));
  }
  if (env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(mask(renderJobSummary(outcome.summary))).write();
  }
  if (outcome.exitCode !== EXIT.OK) core.setFailed(mask(outcome.failure ?? `exit code ${outcome.exitCode}`));
  return outcome.exitCode;
}
