// The validate use case: every schema and semantic problem of the declarations, the config and the locks' pins.

import type { LoadedProject } from '../loader/load.js';
import { compareDiagnostics, withHints } from '../model/diagnostic.js';
import { buildOutputsOf, checkBuildOutputs } from './build-outputs.js';
import { lockWarnings } from './lock-warnings.js';
import { isUsageDiagnostic, openProject, type ProjectOptions } from './project.js';

export interface ValidateResult {
  /** The project, its diagnostics including the lock warnings, sorted. */
  project: LoadedProject;
  errors: number;
  warnings: number;
  /** valid: no error; invalid: errors in the files; usage: a path or config file that does not exist. */
  status: 'valid' | 'invalid' | 'usage';
}

/** Validate the project at `cwd`. */
export async function validateProject(cwd: string, opts: ProjectOptions = {}): Promise<ValidateResult> {
  const project = await openProject(cwd, opts);
  // BuildConfig outputs are checked against the whole project only (a PATH subset would miss their streams).
  const outputs =
    (opts.paths ?? []).length === 0 && !project.diagnostics.some(isUsageDiagnostic)
      ? checkBuildOutputs(await buildOutputsOf(project), [...project.streams, ...(project.partial ?? [])])
      : [];
  project.diagnostics = [...project.diagnostics, ...(await lockWarnings(project)), ...outputs].sort(
    compareDiagnostics,
  );
  const errors = project.diagnostics.filter((d) => d.severity === 'error').length;
  const status = project.diagnostics.some(isUsageDiagnostic) ? 'usage' : errors > 0 ? 'invalid' : 'valid';
  return { project, errors, warnings: project.diagnostics.length - errors, status };
}

/** The `--json` form (the CLI adds `errors`/`warnings` counts; the Action's result leaves them out). */
export function validateJson(r: ValidateResult): Record<string, unknown> {
  const { project } = r;
  return {
    valid: r.errors === 0,
    files: project.files.length,
    streams: project.streams.length,
    tags: project.tags,
    errors: r.errors,
    warnings: r.warnings,
    diagnostics: withHints(project.diagnostics),
  };
}
