// The GitHub Action entry: the only place that reads INPUT_*, GITHUB_* and the event file. It builds typed
// inputs and context, runs the mode they ask for (execute.ts; one file per mode, each calling src/app/), and reports
// through @actions/core: outputs, job summary, annotations on the exact lines, masked secrets; failure is set once,
// at the top.

import { resolve } from 'node:path';
import * as core from '@actions/core';
import { ImagestreamsError } from '../../model/errors.js';
import { renderJobSummary } from '../../render/summary.js';
import { redact } from '../../util/redact.js';
import { EXIT } from '../io.js';
import { hideBundledDeprecations } from '../node-warnings.js';
import { readContext } from './context.js';
import { executeAction } from './execute.js';
import { readInputs, secretValues } from './inputs.js';
import type { ActionOutcome } from './outcome.js';

/** The Action's main: read, mask, run, report; the one place the step's failure is set. */
export async function runAction(env: Record<string, string | undefined> = process.env): Promise<number> {
  hideBundledDeprecations();
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
