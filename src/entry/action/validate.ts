// Mode `validate` (also the first step of a plan): every problem in the declarations, the config and the pins,
// logged and annotated on its line.

import { type ValidateResult, validateJson, validateProject } from '../../app/validate.js';
import { formatDiagnostic } from '../../model/diagnostic.js';
import { plural } from '../commands/project.js';
import { EXIT } from '../io.js';
import type { ModeRun } from './outcome.js';

/** Validates and records the result; returns the exit code and the result (the plan mode goes on with it). */
export async function validateStep(m: ModeRun): Promise<{ code: number; result: ValidateResult }> {
  const { io, outcome } = m;
  const result = await validateProject(m.cwd, {
    ...(m.inputs.config ? { configPath: m.inputs.config } : {}),
  });
  const { project, errors } = result;
  for (const d of project.diagnostics) io.stdout(`${formatDiagnostic(d)}\n`);
  io.stdout(
    `validate: ${plural(project.files.length, 'file')}, ${plural(project.tags, 'tag')}: ${errors === 0 ? 'valid' : plural(errors, 'error')}\n`,
  );
  m.annotate(project.diagnostics);
  outcome.summary.validation = {
    files: project.files.length,
    tags: project.tags,
    diagnostics: project.diagnostics,
  };
  // The Action's result has no error and warning counts (the diagnostics carry them).
  const { errors: _errors, warnings: _warnings, ...json } = validateJson(result);
  outcome.result.validate = json;
  const code = result.status === 'usage' ? EXIT.USAGE : result.status === 'invalid' ? EXIT.FAILURE : EXIT.OK;
  if (code !== EXIT.OK) m.failures.push(`validate: ${errors} error(s) in the declarations or config`);
  return { code, result };
}

/** The validate mode. */
export async function validateMode(m: ModeRun): Promise<number> {
  return (await validateStep(m)).code;
}
