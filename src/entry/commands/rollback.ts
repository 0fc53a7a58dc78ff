// `imagestreams rollback STREAM:TAG`: point a tag back at an earlier image of its history.

import * as nodeFs from 'node:fs/promises';
import { applyTagEdits, findStream } from '../../app/stream-edits.js';
import { loadProject } from '../../loader/load.js';
import { readLock } from '../../loader/lock-file.js';
import { hasErrors } from '../../model/diagnostic.js';
import { ImagestreamsError } from '../../model/errors.js';
import type { TagHistoryItem } from '../../model/lock.js';
import { findInHistory } from '../../policy/history.js';
import { parseStreamTagArg } from '../../policy/oc-tag.js';
import { ROLLED_BACK_FROM, tagSpecEdits } from '../../policy/tag-edit.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { loadFromArgs, PROJECT_OPTIONS, PROJECT_OPTIONS_HELP, printDiagnostics } from './project.js';
import { PUBLISH_OPTION, PUBLISH_OPTION_HELP, publishModeOf, recordEdit } from './record.js';

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

/** The rollback command (see HELP). */
export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'Point a tag back at an earlier image of its history',
  help: HELP,
  options: { ...PROJECT_OPTIONS, ...PUBLISH_OPTION, to: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  async run(args, io) {
    if (args.positionals.length !== 1) {
      io.stderr('imagestreams rollback: give exactly one STREAM:TAG\nRun `imagestreams rollback --help`.\n');
      return EXIT.USAGE;
    }
    const json = Boolean(args.values.json);
    const dryRun = Boolean(args.values['dry-run']);
    const mode = publishModeOf(args, io, 'rollback');
    if (mode === 'invalid') return EXIT.USAGE;
    try {
      const target = parseStreamTagArg(args.positionals[0]!, 'tag');
      const project = await loadFromArgs(args, io);
      if (hasErrors(project.diagnostics)) {
        printDiagnostics(project.diagnostics, io, io.stderr);
        return EXIT.USAGE;
      }
      const ns = target.namespace ?? project.config.namespace;
      const stream = findStream(project, ns, target.stream);
      const spec = stream?.object.spec?.tags?.find((t) => t.name === target.tag);
      if (!stream || !spec) {
        io.stderr(`imagestreams rollback: ${ns}/${target.stream}:${target.tag} is not declared\n`);
        return EXIT.USAGE;
      }
      const lock = await readLock(nodeFs, project.root, project.config, ns, target.stream);
      const items = lock?.status.tags.find((t) => t.tag === target.tag)?.items ?? [];
      const to = typeof args.values.to === 'string' ? args.values.to : '2';
      let item: TagHistoryItem | undefined;
      if (/^\d+$/.test(to)) {
        item = items[Number(to) - 1];
        if (!item || Number(to) < 1) {
          io.stderr(
            `imagestreams rollback: ${target.stream}:${target.tag} has ${items.length} image(s) in its history; --to ${to} is out of range\n`,
          );
          return EXIT.FAILURE;
        }
      } else {
        const tagItems = lock?.status.tags.find((t) => t.tag === target.tag);
        const found = findInHistory(tagItems ? [tagItems] : [], to);
        if (!('item' in found)) {
          io.stderr(
            `imagestreams rollback: ${to} ${found.error === 'ambiguous' ? `matches ${found.candidates.length} images; give more characters` : `is not in the history of ${target.stream}:${target.tag}`}\n`,
          );
          return EXIT.FAILURE;
        }
        item = found.item;
      }
      if (item === items[0]) {
        io.stderr(`imagestreams rollback: ${target.stream}:${target.tag} is already at ${item.image}\n`);
        return EXIT.OK;
      }
      // The note of the source to go back to: kept from an earlier rollback, else the source replaced now.
      const note =
        spec.annotations?.[ROLLED_BACK_FROM] ??
        (spec.from && spec.from.kind !== 'ImageStreamImage'
          ? JSON.stringify({ kind: spec.from.kind, name: spec.from.name })
          : undefined);
      const ops = tagSpecEdits(spec, {
        from: { kind: 'ImageStreamImage', name: `${target.stream}@${item.image}` },
        ...(spec.importPolicy?.scheduled ? { fields: { importPolicy: { scheduled: false } } } : {}),
        ...(note !== undefined ? { rolledBackFrom: note } : {}),
      });
      const files = await applyTagEdits(
        project,
        [{ namespace: ns, stream: target.stream, tag: target.tag, ops }],
        { createStreams: false, dryRun },
      );
      if (!json)
        io.stdout(`Tag ${target.stream}:${target.tag} rolled back to ${item.dockerImageReference}.\n`);
      if (dryRun) {
        io.stderr(`dry run: would change ${files.join(', ')}\n`);
        return EXIT.OK;
      }
      // Record it now: the pin resolves from history, so only this stream is touched and nothing scheduled runs.
      const reloaded = await loadProject({
        cwd: io.cwd,
        ...(typeof args.values.config === 'string' ? { configPath: args.values.config } : {}),
      });
      return recordEdit(io, {
        project: reloaded,
        only: new Set([`${ns}/${target.stream}`]),
        ...(mode ? { mode } : {}),
        json,
      });
    } catch (e) {
      if (e instanceof ImagestreamsError) {
        io.stderr(`imagestreams rollback: ${e.message}\n`);
        return e.code === 'USAGE' ? EXIT.USAGE : EXIT.FAILURE;
      }
      throw e;
    }
  },
};
