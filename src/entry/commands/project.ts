// Shared by validate, describe and get: the --config option, loading the project, GitHub annotations.

import { openProject } from '../../app/project.js';
import type { LoadedProject } from '../../loader/load.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import { formatDiagnostic } from '../../model/diagnostic.js';
import type { OptionSpec } from '../args.js';
import type { ParsedArgs } from '../command.js';
import type { CommandIO } from '../io.js';
import { workflowCommand } from '../workflow-commands.js';

/** Options every project command takes. */
export const PROJECT_OPTIONS: OptionSpec = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
};

/** Help lines for PROJECT_OPTIONS. */
export const PROJECT_OPTIONS_HELP = [
  '  -c, --config PATH   Config file (default: .imagestreams.yaml at the project root, if present; the root',
  '                      is found as git finds one: this folder or the nearest one above holding',
  '                      .imagestreams.yaml or .git)',
  '      --json          Print JSON on stdout instead of text',
  '  -h, --help          Show this help',
].join('\n');

/** Load the project rooted at io.cwd with the command's --config and optional paths. */
export function loadFromArgs(args: ParsedArgs, io: CommandIO, paths?: string[]): Promise<LoadedProject> {
  return openProject(io.cwd, {
    ...(typeof args.values.config === 'string' ? { configPath: args.values.config } : {}),
    ...(paths ? { paths } : {}),
  });
}

/** A GitHub Actions workflow command that annotates the exact line of a diagnostic. */
export function actionsAnnotation(d: Diagnostic): string {
  return workflowCommand(
    d.severity === 'warning' ? 'warning' : 'error',
    {
      file: d.file,
      line: d.line,
      col: d.column,
      endLine: d.endLine,
      endColumn: d.endColumn !== undefined && d.endLine === d.line ? d.endColumn : undefined,
      title: `imagestreams ${d.code}`,
    },
    d.message,
  );
}

/** Print diagnostics as `file:line:column: message` (and as Actions annotations inside GitHub Actions). */
export function printDiagnostics(
  diags: readonly Diagnostic[],
  io: CommandIO,
  write: (t: string) => void = io.stdout,
): void {
  const inActions = io.env.GITHUB_ACTIONS === 'true';
  for (const d of diags) {
    write(`${formatDiagnostic(d)}\n`);
    if (inActions) (io.command ?? io.stdout)(actionsAnnotation(d));
  }
}

/** `1 file` / `2 files` (re-exported for the commands that import it from here). */
export { plural } from '../../util/text.js';
