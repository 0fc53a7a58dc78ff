// After an editing command (tag, import, rollback) changed declarations: record the change in the locks of the
// edited streams and of every stream that follows them, rewrite the consumers, and, with --publish, publish it
// (a pull request per group carries the declaration edit, the locks and the consumers together).

import { runJob } from '../../app/job.js';
import type { LoadedProject } from '../../loader/load.js';
import type { PublishMode } from '../../publish/publish.js';
import type { ParsedArgs } from '../command.js';
import type { CommandIO } from '../io.js';
import { progressReporter } from '../progress.js';
import { printRun } from './reconcile.js';

/** The --publish option the editing commands share. */
export const PUBLISH_OPTION = { publish: { type: 'string' } } as const;

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

/** What to record. */
export interface RecordOptions {
  project: LoadedProject;
  /** Streams edited (`namespace/name`); their followers settle with them. */
  only: ReadonlySet<string>;
  forced?: ReadonlySet<string>;
  mode?: PublishMode;
  json: boolean;
  dryRun?: boolean;
}

/** Reconcile the edited streams (nothing scheduled is due), publish per `mode`, print, and return the exit code. */
export async function recordEdit(io: CommandIO, o: RecordOptions): Promise<number> {
  const job = await runJob(io, {
    project: { loaded: o.project },
    streams: { only: o.only, scheduledDue: () => false, ...(o.forced ? { forced: o.forced } : {}) },
    publish: { mode: o.mode ?? 'none' },
    ...(o.dryRun ? { dryRun: true } : {}),
    ...(o.json ? {} : { onProgress: progressReporter(io) }),
  });
  return printRun(job.run, io, o.json, o.mode ? job.publish : undefined);
}
