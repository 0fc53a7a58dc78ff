// Modes `tag`, `import` and `rollback`: the CLI command with --publish, so the declaration edit, the locks and the
// consumers go out together (a pull request by default). Never on pull_request events: an edit is a
// maintainer's act. The command still runs through its CLI form (its --json is read back): the edit commands
// have no use case of their own in app/ yet.

import type { PublishResult } from '../../publish/publish.js';
import { runCommandArgv } from '../command.js';
import { importCommand } from '../commands/import.js';
import { rollbackCommand } from '../commands/rollback.js';
import { tagCommand } from '../commands/tag.js';
import { EXIT } from '../io.js';
import { obj } from './context.js';
import type { EditCommand } from './inputs.js';
import { type ModeRun, recordPublish } from './outcome.js';

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    return obj(JSON.parse(text));
  } catch {
    return undefined;
  }
}

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
    '--json',
    ...(inputs.config ? ['--config', inputs.config] : []),
    ...(inputs.dryRun ? ['--dry-run'] : []),
  ];
  let out = '';
  let err = '';
  const cmd = { tag: tagCommand, import: importCommand, rollback: rollbackCommand }[
    inputs.command as EditCommand
  ];
  const code = await runCommandArgv(cmd, argv, {
    ...io,
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
  });
  io.stderr(err);
  const json = parseJson(out);
  const publish = obj(json?.publish) as PublishResult | undefined;
  if (publish) recordPublish(outcome, publish);
  outcome.changed = Array.isArray(json?.written) ? json.written.length > 0 : outcome.changed;
  outcome.result[inputs.command] = json ?? { exitCode: code };
  if (code !== EXIT.OK)
    failures.push(`${inputs.command}: ${err.trim().split('\n').pop() || `exit code ${code}`}`);
  return code;
}
