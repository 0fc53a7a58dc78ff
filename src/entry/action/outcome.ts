// What a run of the Action produces and the state its modes share: the outcome (outputs, summary, annotations,
// failures), the IO the modes log through, and the renderers of a reconcile run shared by the plan, reconcile
// and edit modes.

import type { RunReconcileResult } from '../../app/reconcile.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import type { PublishResult } from '../../publish/publish.js';
import type { SummaryInput, SummaryRun } from '../../render/summary.js';
import { printRun, reconcileJson } from '../commands/reconcile.js';
import { type CommandIO, EXIT } from '../io.js';
import type { ActionContext } from './context.js';
import type { ActionInputs } from './inputs.js';

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

/** Dependencies of a run (tests may replace the clock). */
export interface ActionDeps {
  env: Record<string, string | undefined>;
  now?: () => Date;
  /** Where human-readable log lines go (the runner's log). */
  log: (text: string) => void;
  secrets: string[];
}

/** One run as its mode sees it: what was asked, where, how to log, and the outcome to fill in. */
export interface ModeRun {
  inputs: ActionInputs;
  ctx: ActionContext;
  deps: ActionDeps;
  /** The working directory (workspace + working-directory). */
  cwd: string;
  /** Secrets masked. */
  mask: (s: string) => string;
  io: CommandIO;
  /** io without GITHUB_ACTIONS: the commands' own ::error lines are left out (annotations come from the data). */
  quietIo: CommandIO;
  outcome: ActionOutcome;
  /** Why the run failed, one entry per failed part (joined into the step's failure). */
  failures: string[];
  /** Adds diagnostics as annotations, their paths relative to the workspace. */
  annotate: (diags: readonly Diagnostic[]) => void;
}

/** A mode runs one command of the Action and returns its exit code. */
export type Mode = (run: ModeRun) => Promise<number>;

/** Combine exit codes: bad input wins over failure, failure over success. */
export function worst(...codes: number[]): number {
  if (codes.includes(EXIT.USAGE)) return EXIT.USAGE;
  return codes.some((c) => c !== EXIT.OK) ? EXIT.FAILURE : EXIT.OK;
}

export function summaryRun(r: RunReconcileResult): SummaryRun | undefined {
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

/** Logs a reconcile run, annotates its diagnostics and records it in the outcome; returns its exit code. */
export function reportRun(m: ModeRun, run: RunReconcileResult, published?: PublishResult): number {
  const { outcome, failures, annotate, deps, mask } = m;
  const code = printRun(run, m.quietIo, false, published, {
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
}

/** Records what publishing did: the summary's publish section, the result, and the pull requests output. */
export function recordPublish(outcome: ActionOutcome, publish: PublishResult): void {
  outcome.summary.publish = publishSummary(publish);
  outcome.result.publish = publish;
  for (const g of publish.groups ?? []) {
    if (g.pullRequest) outcome.pullRequests.push({ ...g.pullRequest, stream: g.key, status: g.status });
  }
}
