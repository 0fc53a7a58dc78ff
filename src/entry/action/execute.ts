// Runs what the inputs and the event ask for: builds the run's IO (secrets masked, a fork's run without a token),
// picks the mode and turns its exit code into the outcome. Never touches @actions/core (index.ts reports).

import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../../model/diagnostic.js';
import { createLogger } from '../../util/logger.js';
import { redact } from '../../util/redact.js';
import { type CommandIO, EXIT } from '../io.js';
import { neutralizeCommands } from '../workflow-commands.js';
import type { ActionContext } from './context.js';
import { dispatchMode } from './dispatch.js';
import { editMode } from './edit.js';
import { type ActionInputs, EDIT_COMMANDS } from './inputs.js';
import { lockPrMode } from './lock-pr.js';
import type { ActionDeps, ActionOutcome, Mode, ModeRun } from './outcome.js';
import { planMode } from './plan.js';
import { reconcileMode } from './reconcile.js';
import { validateMode } from './validate.js';
import { verifyMode } from './verify.js';

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

/** The mode for the command; `reconcile` on a pull request event is a plan (with lock-pr: lock, then plan). */
function modeOf(inputs: ActionInputs, ctx: ActionContext): Mode {
  if (inputs.lockPr && ctx.pullRequest) return lockPrMode;
  const byCommand: Partial<Record<ActionInputs['command'], Mode>> = {
    validate: validateMode,
    verify: verifyMode,
    dispatch: dispatchMode,
    plan: planMode,
  };
  const mode = byCommand[inputs.command];
  if (mode) return mode;
  if ((EDIT_COMMANDS as readonly string[]).includes(inputs.command)) return editMode;
  return ctx.pullRequest ? planMode : reconcileMode;
}

/** The IO a run's modes log through: masked, no line may start a workflow command, a fork gets no token. */
function runIO(inputs: ActionInputs, ctx: ActionContext, deps: ActionDeps, cwd: string): CommandIO {
  const mask = (s: string) => redact(s, deps.secrets);
  // A fork's run gets no credentials: the token is not even put into the environment the commands see.
  const env: Record<string, string | undefined> = { ...deps.env };
  if (ctx.pullRequest?.fork === true) delete env.GITHUB_TOKEN;
  else if (inputs.token) env.GITHUB_TOKEN = inputs.token;
  // Log text can carry upstream words (registry errors, labels): a line may never start a workflow command.
  const logLine = (t: string) => deps.log(neutralizeCommands(mask(t)));
  return {
    stdout: logLine,
    stderr: logLine,
    env,
    cwd,
    now: deps.now ?? (() => new Date()),
    isTTY: false,
    logger: createLogger(logLine, { level: env.RUNNER_DEBUG === '1' ? 'debug' : 'info', redact: mask }),
  };
}

/** Runs what the inputs and the event ask for; never touches @actions/core (runAction reports the outcome). */
export async function executeAction(
  inputs: ActionInputs,
  ctx: ActionContext,
  deps: ActionDeps,
): Promise<ActionOutcome> {
  const cwd = resolve(ctx.workspace, inputs.workingDirectory);
  const io = runIO(inputs, ctx, deps, cwd);
  const event = ctx.eventName ? { event: ctx.eventName } : {};
  const outcome: ActionOutcome = {
    exitCode: EXIT.OK,
    changed: false,
    pullRequests: [],
    result: { command: inputs.command, ...event },
    summary: { command: inputs.command, exitCode: EXIT.OK, notes: [], ...event },
    annotations: [],
    warnings: [],
  };
  const relToWorkspace = (file: string) =>
    toPosix(relative(ctx.workspace, isAbsolute(file) ? file : join(cwd, file)));
  const run: ModeRun = {
    inputs,
    ctx,
    deps,
    cwd,
    mask: (s) => redact(s, deps.secrets),
    io,
    // printRun and the commands print their own ::error lines inside Actions; here annotations come from the data.
    quietIo: { ...io, env: { ...io.env, GITHUB_ACTIONS: undefined } },
    outcome,
    failures: [],
    annotate: (diags: readonly Diagnostic[]) => {
      for (const d of diags) outcome.annotations.push({ ...d, file: relToWorkspace(d.file) });
    },
  };
  outcome.exitCode = await modeOf(inputs, ctx)(run);
  outcome.summary.exitCode = outcome.exitCode;
  outcome.result.exitCode = outcome.exitCode;
  if (outcome.exitCode !== EXIT.OK) {
    outcome.failure = run.failures.length > 0 ? run.failures.join('; ') : `exit code ${outcome.exitCode}`;
  }
  return outcome;
}
