// Sends planned dispatches with injected edges (Octokit factory, command runner): every job runs, a failing
// target is reported and the others still go out; tokens are masked in every message and output kept.

import type { GitHubClient } from '../github/client.js';
import { defaultBranch, sendRepositoryDispatch, sendWorkflowDispatch } from '../github/dispatch-events.js';
import type { ErrorCode } from '../model/error-codes.js';
import { ImagestreamsError } from '../model/errors.js';
import { DEFAULT_TOKEN_ENV, type DispatchJob } from '../plan/dispatch-plan.js';
import type { Logger } from '../util/logger.js';
import { redact } from '../util/redact.js';
import type { CommandRunner } from './command.js';

/** What the dispatcher needs from the outside world. */
export interface DispatchDeps {
  /** Builds an Octokit for a token (called once per distinct token). */
  github: (token: string) => GitHubClient;
  runCommand: CommandRunner;
  /** Environment: token variables are read from it; commands inherit it, without secrets, plus IMAGESTREAM_*. */
  env: Record<string, string | undefined>;
  /** Names of other variables holding secrets (registry credentials): never passed to commands. */
  secretEnv?: readonly string[];
  /** Working directory of commands (the repository root). */
  cwd: string;
  logger: Logger;
  /** Per-command time limit (default 10 minutes). */
  commandTimeoutMs?: number;
}

/** The outcome of one job, ready to print or serialise. */
export interface DispatchResult {
  target: number;
  type: DispatchJob['type'];
  description: string;
  namespace: string;
  stream: string;
  tag: string;
  /** Every tag (`namespace/stream:tag`) the dispatch announces: all that reached `new`. */
  tags: string[];
  old: string | null;
  new: string;
  status: 'sent' | 'failed' | 'dry-run';
  /** repository_dispatch body, workflow_dispatch ref/inputs or command env (only the IMAGESTREAM_* part). */
  sent?: unknown;
  error?: { code: ErrorCode; message: string; permanent: boolean; hint: string };
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const OUTPUT_TAIL_CHARS = 2000;

/** Names of environment variables that hold secrets by convention (their values are masked). */
const SECRET_NAME = /(?:TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|PRIVATE_KEY|CREDENTIALS?)$/i;

/**
 * Values to mask in everything printed: the named variables (token and credential envs), GITHUB_TOKEN, and any
 * variable whose name says it is a secret — a command inherits the environment and may echo it.
 */
export function tokenValues(names: Iterable<string>, env: Record<string, string | undefined>): string[] {
  const out = new Set<string>();
  for (const n of new Set([DEFAULT_TOKEN_ENV, ...names])) {
    const v = env[n];
    if (v) out.add(v);
  }
  for (const [k, v] of Object.entries(env)) if (v && v.length >= 8 && SECRET_NAME.test(k)) out.add(v);
  // Longest first, so a secret containing another is masked whole.
  return [...out].sort((a, b) => b.length - a.length);
}

/** Variables the Actions runner sets that grant access (tokens and the OIDC token request). */
const RUNNER_SECRETS = [
  'INPUT_TOKEN',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
];

/**
 * The environment a command target inherits: everything except tokens — GITHUB_TOKEN, the Action's token
 * input, every tokenEnv and credential variable the config names, any variable named like a secret, and any
 * variable holding one of those values under another name. A command that needs credentials brings its own.
 */
export function commandEnv(
  env: Record<string, string | undefined>,
  names: Iterable<string>,
): Record<string, string | undefined> {
  const drop = new Set([DEFAULT_TOKEN_ENV, ...RUNNER_SECRETS, ...names]);
  const values = new Set(tokenValues(drop, env).filter((v) => v.length >= 8));
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || drop.has(k) || SECRET_NAME.test(k) || values.has(v)) continue;
    out[k] = v;
  }
  return out;
}

function what(job: DispatchJob): unknown {
  if (job.type === 'repository_dispatch') return job.body;
  if (job.type === 'workflow_dispatch') return { ref: job.ref ?? null, inputs: job.inputs };
  return { argv: job.argv, env: job.env };
}

/** What sending needs besides the job: the deps, values to mask, the commands' environment, cached clients. */
interface SendContext {
  deps: DispatchDeps;
  secrets: string[];
  inherited: Record<string, string | undefined>;
  /** One client per distinct token. */
  clients: Map<string, GitHubClient>;
  /** Default branches asked once per token and repository. */
  branches: Map<string, Promise<string>>;
}

/** Runs every job in order (dryRun: none is sent); never throws for a job's failure. */
export async function executeDispatches(
  jobs: readonly DispatchJob[],
  deps: DispatchDeps,
  opts: { dryRun?: boolean } = {},
): Promise<DispatchResult[]> {
  const secretNames = [
    ...jobs.flatMap((j) => (j.type === 'command' ? [] : [j.tokenEnv])),
    ...(deps.secretEnv ?? []),
  ];
  const ctx: SendContext = {
    deps,
    secrets: tokenValues(secretNames, deps.env),
    inherited: commandEnv(deps.env, secretNames),
    clients: new Map(),
    branches: new Map(),
  };
  const results: DispatchResult[] = [];
  for (const job of jobs) {
    const base = resultBase(job);
    if (opts.dryRun && !job.error) {
      results.push({ ...base, status: 'dry-run' });
      continue;
    }
    try {
      await send(ctx, job);
      results.push({ ...base, status: 'sent' });
      const m = job.moved;
      deps.logger.debug(`sent ${job.description} for ${m.namespace}/${m.stream}:${m.tag}`);
    } catch (e) {
      const err =
        e instanceof ImagestreamsError
          ? e
          : new ImagestreamsError('DISPATCH_FAILED', String((e as Error)?.message ?? e), {
              cause: e,
              permanent: false,
            });
      results.push({
        ...base,
        status: 'failed',
        error: {
          code: err.code,
          message: redact(err.message, ctx.secrets),
          permanent: err.permanent,
          hint: err.hint,
        },
      });
    }
  }
  return results;
}

/** The fields of a job's result that do not depend on how sending went. */
function resultBase(job: DispatchJob): Omit<DispatchResult, 'status' | 'error'> {
  const m = job.moved;
  return {
    target: job.target,
    type: job.type,
    description: job.description,
    namespace: m.namespace,
    stream: m.stream,
    tag: m.tag,
    tags: job.tags.map((t) => `${t.namespace}/${t.stream}:${t.tag}`),
    old: m.old?.image ?? null,
    new: m.new.image,
    sent: what(job),
  };
}

/** Send one job; a failure is thrown (as ImagestreamsError where we know what went wrong). */
async function send(ctx: SendContext, job: DispatchJob): Promise<void> {
  if (job.error) throw job.error;
  if (job.type === 'command') return runCommandJob(ctx, job);
  const token = ctx.deps.env[job.tokenEnv];
  if (!token) {
    throw new ImagestreamsError(
      'DISPATCH_NO_TOKEN',
      `${job.description}: the environment variable ${job.tokenEnv} is not set. Give it a token that may ` +
        `${job.type === 'repository_dispatch' ? 'write contents of' : 'run workflows (actions: write) in'} ` +
        `${job.owner}/${job.repo}; GITHUB_TOKEN reaches only the current repository, so name a PAT or ` +
        'GitHub App token with `tokenEnv` for other repositories.',
      { data: { tokenEnv: job.tokenEnv } },
    );
  }
  let octokit = ctx.clients.get(token);
  if (!octokit) {
    octokit = ctx.deps.github(token);
    ctx.clients.set(token, octokit);
  }
  const repo = { owner: job.owner, repo: job.repo, secrets: ctx.secrets };
  if (job.type === 'repository_dispatch') {
    await sendRepositoryDispatch(octokit, { ...repo, body: job.body });
    return;
  }
  let ref = job.ref;
  if (!ref) {
    const key = `${job.tokenEnv}:${job.owner}/${job.repo}`;
    const p = ctx.branches.get(key) ?? defaultBranch(octokit, repo);
    ctx.branches.set(key, p);
    ref = await p;
  }
  await sendWorkflowDispatch(octokit, { ...repo, workflow: job.workflow, ref, inputs: job.inputs });
}

/** Run a command target; its output's tail (masked) goes to the debug log and into the error when it fails. */
async function runCommandJob(
  ctx: SendContext,
  job: Extract<DispatchJob, { type: 'command' }>,
): Promise<void> {
  const { deps } = ctx;
  const timeoutMs = deps.commandTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const out = await deps.runCommand(job.argv, {
    cwd: deps.cwd,
    env: { ...ctx.inherited, ...job.env },
    timeoutMs,
  });
  const tail = redact(out.output.slice(-OUTPUT_TAIL_CHARS), ctx.secrets);
  if (tail) deps.logger.debug(`output of ${job.description}`, { output: tail });
  if (!out.notStarted && !out.timedOut && out.exitCode === 0) return;
  const why = out.notStarted
    ? `could not be started (is ${JSON.stringify(job.argv[0])} on PATH, relative to the repository root, and executable?)`
    : out.timedOut
      ? `timed out after ${Math.round(timeoutMs / 1000)} s`
      : `exited with code ${out.exitCode}`;
  throw new ImagestreamsError(
    'DISPATCH_COMMAND_FAILED',
    `${job.description} ${why}${tail ? `; its output ended with:\n${tail}` : ''}`,
    { data: { exitCode: out.exitCode ?? null }, permanent: !out.timedOut },
  );
}
