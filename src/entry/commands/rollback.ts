// `imagestreams rollback STREAM:TAG`: point a tag back at an earlier image of its history.

import { type RollbackRequest, type RollbackResult, rollbackTag } from '../../app/rollback.js';
import { ImagestreamsError } from '../../model/errors.js';
import { parseStreamTagArg } from '../../policy/oc-tag.js';
import { ROLLED_BACK_FROM } from '../../policy/tag-edit.js';
import { omitUndefined } from '../../util/omit-undefined.js';
import type { Command, ParsedArgs } from '../command.js';
import { type CommandIO, EXIT } from '../io.js';
import { PROJECT_OPTIONS, PROJECT_OPTIONS_HELP } from './project.js';
import { printRun } from './reconcile.js';
import { PUBLISH_OPTION, PUBLISH_OPTION_HELP, progressOf, publishModeOf, renderStop } from './record.js';

export { ROLLED_BACK_FROM };

const HELP = `Usage: imagestreams rollback STREAM:TAG [--to N|DIGEST] [options]

Point a tag back at an earlier image from its history. As in OpenShift, the tag is re-pointed to an
image of the stream (from: ImageStreamImage stream@sha256:…), which stops scheduled imports for it; the
previous source is kept in the ${ROLLED_BACK_FROM} annotation. The lock then records the
rolled-back image on top of the history, and every consumer that follows the tag (or a tag following
it) is rewritten in the same run. No registry is contacted for the rolled-back tag.

To follow upstream again: imagestreams tag <previous source> STREAM:TAG [--scheduled]

Options:
      --to N|DIGEST   the image to go back to: N is its position in the history as \`describe\`
                      lists it (1 = current, 2 = the one before, the default), or a digest / unique prefix
      --dry-run       print what would change; write nothing
${PUBLISH_OPTION_HELP}
${PROJECT_OPTIONS_HELP}

Exit codes: 0 rolled back; 1 no such image in the history; 2 bad usage or unknown stream/tag.
`;

/** Parse the rollback command's arguments (printing what is wrong as a usage error); else the exit code. */
export function rollbackInput(args: ParsedArgs, io: CommandIO): RollbackRequest | number {
  if (args.positionals.length !== 1) {
    io.stderr('imagestreams rollback: give exactly one STREAM:TAG\nRun `imagestreams rollback --help`.\n');
    return EXIT.USAGE;
  }
  const v = args.values;
  const mode = publishModeOf(args, io, 'rollback');
  if (mode === 'invalid') return EXIT.USAGE;
  try {
    const target = parseStreamTagArg(args.positionals[0]!, 'tag');
    const to = typeof v.to === 'string' ? v.to : '2';
    const configPath = typeof v.config === 'string' ? v.config : undefined;
    return { target, to, dryRun: Boolean(v['dry-run']), ...omitUndefined({ mode, configPath }) };
  } catch (e) {
    if (!(e instanceof ImagestreamsError)) throw e;
    io.stderr(`imagestreams rollback: ${e.message}\n`);
    return e.code === 'USAGE' ? EXIT.USAGE : EXIT.FAILURE;
  }
}

/** Print a rollback result; returns the exit code. */
export function renderRollback(
  r: RollbackResult,
  req: RollbackRequest,
  io: CommandIO,
  json: boolean,
): number {
  const name = `${req.target.stream}:${req.target.tag}`;
  if (r.edit && !json) io.stdout(`Tag ${name} rolled back to ${r.edit.item.dockerImageReference}.\n`);
  if (r.stop) return renderStop(io, 'rollback', r.stop);
  if (r.unchanged) io.stderr(`imagestreams rollback: ${name} is already at ${r.unchanged.image}\n`);
  if (r.edit?.dryRun) io.stderr(`dry run: would change ${r.edit.files.join(', ')}\n`);
  return r.job ? printRun(r.job.run, io, json, req.mode ? r.job.publish : undefined) : EXIT.OK;
}

/** The rollback command (see HELP). */
export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'Point a tag back at an earlier image of its history',
  help: HELP,
  options: { ...PROJECT_OPTIONS, ...PUBLISH_OPTION, to: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  async run(args, io) {
    const req = rollbackInput(args, io);
    if (typeof req === 'number') return req;
    const json = Boolean(args.values.json);
    const r = await rollbackTag(io, { ...req, ...progressOf(io, json) });
    return renderRollback(r, req, io, json);
  },
};
