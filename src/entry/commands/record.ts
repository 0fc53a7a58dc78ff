// What the editing commands (tag, import, rollback) share: the --publish option, the policy options, and printing
// why an edit stopped. Recording and publishing the edit is the use cases' (app/record.ts).

import type { EditStop } from '../../app/record.js';
import type { PublishMode } from '../../publish/publish.js';
import type { ParsedArgs } from '../command.js';
import { type CommandIO, EXIT } from '../io.js';
import { progressReporter } from '../progress.js';
import { printDiagnostics } from './project.js';

/** The --publish option the editing commands share. */
export const PUBLISH_OPTION = { publish: { type: 'string' } } as const;

/** The tag policy options of `tag` and `import` (as `oc tag` and `oc import-image` take them), and --dry-run. */
export const TAG_POLICY_OPTIONS = {
  scheduled: { type: 'boolean' },
  insecure: { type: 'boolean' },
  'reference-policy': { type: 'string' },
  'import-mode': { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

/** Its help line. */
export const PUBLISH_OPTION_HELP =
  '      --publish MODE  also publish the change: pull-request (a PR carrying the declaration edit, the locks\n' +
  '                      and the consumers), commit (on the current branch) or none (the default)';

const MODES = new Set(['pull-request', 'commit', 'none']);

/** The --publish value; `invalid` after printing why (exit 2). */
export function publishModeOf(
  args: ParsedArgs,
  io: CommandIO,
  command: string,
): PublishMode | 'invalid' | undefined {
  const mode = (args.values as Record<string, unknown>).publish;
  if (mode === undefined) return undefined;
  if (typeof mode === 'string' && MODES.has(mode)) return mode as PublishMode;
  io.stderr(
    `imagestreams ${command}: --publish must be pull-request, commit or none, not "${String(mode)}"\n`,
  );
  return 'invalid';
}

/** Progress of the recording run on stderr, unless the output is JSON. */
export function progressOf(
  io: CommandIO,
  json: boolean,
): { onProgress?: ReturnType<typeof progressReporter> } {
  return json ? {} : { onProgress: progressReporter(io) };
}

/** Print why an edit stopped (the declarations' errors, then the reason); returns its exit code. */
export function renderStop(io: CommandIO, command: string, stop: EditStop): number {
  if (stop.diagnostics) printDiagnostics(stop.diagnostics, io, io.stderr);
  if (stop.message) io.stderr(`imagestreams ${command}: ${stop.message}\n`);
  return stop.status === 'usage' ? EXIT.USAGE : EXIT.FAILURE;
}
