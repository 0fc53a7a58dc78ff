// Modes `tag`, `import` and `rollback`: the edit use case with a publish mode (a pull request by default), so the
// declaration edit, the locks and the consumers go out together. The arguments are read as the CLI reads them;
// the log gets what the CLI prints on stderr with --json. Never on pull_request events: an edit is a maintainer's
// act.

import { importTags } from '../../app/import.js';
import type { JobResult } from '../../app/job.js';
import { rollbackTag } from '../../app/rollback.js';
import { tagStreams } from '../../app/tag.js';
import { omitUndefined } from '../../util/omit-undefined.js';
import { type ParsedArgs, parseCommandArgv } from '../command.js';
import { importCommand, importInput } from '../commands/import.js';
import { printRun, reconcileJson } from '../commands/reconcile.js';
import { renderStop } from '../commands/record.js';
import { renderRollback, rollbackCommand, rollbackInput } from '../commands/rollback.js';
import { renderTag, tagCommand, tagInput } from '../commands/tag.js';
import { type CommandIO, EXIT } from '../io.js';
import type { EditCommand } from './inputs.js';
import { type ModeRun, recordPublish } from './outcome.js';

/** One edit as the Action runs it: its exit code and the recording run, if there was one. */
type EditRun = (args: ParsedArgs, io: CommandIO) => Promise<{ code: number; job?: JobResult }>;

const EDITS: Record<EditCommand, { command: typeof tagCommand; run: EditRun }> = {
  tag: {
    command: tagCommand,
    async run(args, io) {
      const input = await tagInput(args, io);
      if (typeof input === 'number') return { code: input };
      const r = await tagStreams(io, input.project, input.actions, input.record);
      return { code: renderTag(r, io, true, input.record.mode), ...omitUndefined({ job: r.job }) };
    },
  },
  import: {
    command: importCommand,
    async run(args, io) {
      const req = importInput(args, io);
      if (typeof req === 'number') return { code: req };
      const r = await importTags(io, req);
      if (r.stop) return { code: renderStop(io, 'import', r.stop) };
      return { code: printRun(r.job!.run, io, true, r.job!.publish), job: r.job! };
    },
  },
  rollback: {
    command: rollbackCommand,
    async run(args, io) {
      const req = rollbackInput(args, io);
      if (typeof req === 'number') return { code: req };
      const r = await rollbackTag(io, req);
      return { code: renderRollback(r, req, io, true), ...omitUndefined({ job: r.job }) };
    },
  },
};

/** The tag, import and rollback modes. */
export async function editMode(m: ModeRun): Promise<number> {
  const { inputs, ctx, io, outcome, failures } = m;
  if (ctx.pullRequest) {
    failures.push(
      `${inputs.command} edits declarations and publishes them; run it on workflow_dispatch, schedule or push, not on "${ctx.eventName}"`,
    );
    return EXIT.USAGE;
  }
  const argv = [
    ...(inputs.args ?? []),
    '--publish',
    inputs.publish ?? 'pull-request',
    ...(inputs.config ? ['--config', inputs.config] : []),
    ...(inputs.dryRun ? ['--dry-run'] : []),
  ];
  let err = '';
  // The JSON forms go to the result output, not the log; the log gets the command's stderr.
  const editIo: CommandIO = {
    ...io,
    stdout: () => {},
    stderr: (t) => {
      err += t;
    },
  };
  const edit = EDITS[inputs.command as EditCommand];
  const args = parseCommandArgv(edit.command, argv, editIo);
  const { code, job } = typeof args === 'number' ? { code: args } : await edit.run(args, editIo);
  io.stderr(err);
  if (job?.publish) recordPublish(outcome, job.publish);
  if (job) outcome.changed = job.run.written.length > 0;
  outcome.result[inputs.command] = job
    ? { ...reconcileJson(job.run), ...omitUndefined({ publish: job.publish }) }
    : { exitCode: code };
  if (code !== EXIT.OK)
    failures.push(`${inputs.command}: ${err.trim().split('\n').pop() || `exit code ${code}`}`);
  return code;
}
