// Mode `dispatch`: on a push, send the config's dispatch targets for every tag that moved between the event's
// before and after commits; each result is logged and goes into the summary.

import { dispatchJson, runDispatch } from '../../app/dispatch.js';
import { connectGitHub } from '../../app/github.js';
import { formatDiagnostic } from '../../model/diagnostic.js';
import { redact } from '../../util/redact.js';
import { usageText } from '../command.js';
import { DELETED_TEXT, dispatchErrorText } from '../commands/dispatch.js';
import { eventRefusal, rangeFromArgs } from '../dispatch-event.js';
import { EXIT } from '../io.js';
import type { ModeRun } from './outcome.js';

/** The dispatch mode: before/after come from the push event. */
export async function dispatchMode(m: ModeRun): Promise<number> {
  const { ctx, outcome, failures } = m;
  // Runs with the quiet IO: the results are annotated from the data, not by the command's own ::error lines.
  const io = m.quietIo;
  if (!ctx.push) {
    failures.push(
      `dispatch needs a push event (before/after commits), but the event is "${ctx.eventName || 'unknown'}"; run it on \`on: push\``,
    );
    return EXIT.USAGE;
  }
  /** A run that stopped before dispatching: its message is logged and is the failure. */
  const stopped = (text: string, code: number): number => {
    io.stderr(text);
    failures.push(`dispatch: ${text.trim() || `exit code ${code}`}`);
    return code;
  };
  const refused = eventRefusal(io, undefined);
  if (refused) return stopped(usageText('dispatch', refused), EXIT.USAGE);
  const range = rangeFromArgs({ before: ctx.push.before, after: ctx.push.after }, io);
  if ('error' in range) return stopped(usageText('dispatch', range.error), EXIT.USAGE);
  const apiUrl = io.env.GITHUB_API_URL;
  const repository = io.env.GITHUB_REPOSITORY;
  const r = await runDispatch(io, {
    ...(m.inputs.config ? { configPath: m.inputs.config } : {}),
    before: range.before,
    after: range.after,
    dryRun: m.inputs.dryRun,
    ...(repository ? { repository } : {}),
    github: (token) => connectGitHub(io.logger, { token, ...(apiUrl ? { apiUrl } : {}) }),
  });
  if (r.kind === 'invalid-config') {
    return stopped(r.diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join(''), EXIT.USAGE);
  }
  if (r.kind === 'error') return stopped(redact(dispatchErrorText(r.error), r.secrets), EXIT.FAILURE);
  if (r.kind === 'deleted') {
    io.stderr(DELETED_TEXT);
    outcome.summary.dispatch = { moved: 0, results: [] };
    outcome.result.dispatch = { ok: true, moved: [], results: [] };
    return EXIT.OK;
  }
  for (const x of r.results) {
    io.stdout(`${x.status} ${x.description} ← ${x.namespace}/${x.stream}:${x.tag}\n`);
  }
  outcome.summary.dispatch = { moved: r.moved.length, results: r.results };
  outcome.result.dispatch = dispatchJson(r);
  if (!r.ok) {
    const failed = r.results.filter((x) => x.status === 'failed').length;
    // A failed run is failed dispatches, an invalid lock file, or both.
    failures.push(`dispatch: ${failed} dispatch(es) failed or a lock file is invalid`);
    return EXIT.FAILURE;
  }
  return EXIT.OK;
}
