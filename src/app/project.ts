// Loading the project a use case works on, and telling input mistakes (a path or config file that does not
// exist: exit 2) from problems in the files (exit 1).

import { type LoadedProject, loadProject } from '../loader/load.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { omitUndefined } from '../util/omit-undefined.js';

export interface ProjectOptions {
  /** The config file (default: .imagestreams.yaml at the project root). */
  configPath?: string;
  /** Declaration paths (default: the config's `declarations`). */
  paths?: string[];
}

/** Load the project rooted at `cwd`. */
export function openProject(cwd: string, opts: ProjectOptions = {}): Promise<LoadedProject> {
  return loadProject({
    cwd,
    ...omitUndefined({ configPath: opts.configPath }),
    ...(opts.paths && opts.paths.length > 0 ? { paths: opts.paths } : {}),
  });
}

/** True when a diagnostic means the command line itself was wrong (a path or --config that does not exist). */
export function isUsageDiagnostic(d: Diagnostic): boolean {
  return d.severity === 'error' && (d.code === 'PATH_NOT_FOUND' || d.code === 'CONFIG_NOT_FOUND');
}
