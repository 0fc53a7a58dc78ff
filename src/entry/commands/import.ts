// `imagestreams import STREAM[:TAG]`: import now, whether or not the tag is due (like `oc import-image`).

import { loadProject } from '../../loader/load.js';
import { hasErrors } from '../../model/diagnostic.js';
import { ImagestreamsError } from '../../model/errors.js';
import { tryParseReference } from '../../model/reference.js';
import { newTag, type TagSpecChange, tagSpecEdits } from '../../policy/tag-edit.js';
import { tagKey } from '../../policy/tag-spec.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { applyTagEdits, findStream } from '../stream-edits.js';
import { loadFromArgs, PROJECT_OPTIONS, PROJECT_OPTIONS_HELP, printDiagnostics } from './project.js';
import { PUBLISH_OPTION, PUBLISH_OPTION_HELP, publishModeOf, recordEdit } from './record.js';

const HELP = `Usage: imagestreams import STREAM[:TAG] [--all] [--from REF --confirm] [options]

Import a stream's tags now, even when they are not due (not new, not changed, not scheduled), and
record the result in the lock; consumers that follow them are rewritten in the same run.
Without TAG the "latest" tag is imported; --all imports every DockerImage tag of the stream.
With --from, the tag is first pointed at REF (the declaration is edited in place); creating a stream or
tag that does not exist yet needs --confirm, as with \`oc import-image\`.

Options:
      --all           import every DockerImage tag of the stream
      --from REF      import from this pull spec (sets the tag's from)
      --confirm       allow --from to create the stream or the tag
      --scheduled     with --from: also mark the tag for scheduled import
      --dry-run       resolve and print; write nothing
${PUBLISH_OPTION_HELP}
${PROJECT_OPTIONS_HELP}

Exit codes: 0 imported; 1 an import failed (the last good digest is kept); 2 bad usage or unknown stream/tag.
`;

/** The import command (see HELP). */
export const importCommand: Command = {
  name: 'import',
  summary: 'Import a stream tag now, whether or not it is due (oc import-image)',
  help: HELP,
  options: {
    ...PROJECT_OPTIONS,
    all: { type: 'boolean' },
    from: { type: 'string' },
    confirm: { type: 'boolean' },
    scheduled: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    ...PUBLISH_OPTION,
  },
  async run(args, io) {
    if (args.positionals.length !== 1) {
      io.stderr('imagestreams import: give exactly one STREAM[:TAG]\nRun `imagestreams import --help`.\n');
      return EXIT.USAGE;
    }
    const m = /^(?:([a-z0-9-]+)\/)?([a-z0-9][-a-z0-9.]*)(?::([\w][\w.-]{0,127}))?$/.exec(
      args.positionals[0]!,
    );
    if (!m) {
      io.stderr(`imagestreams import: "${args.positionals[0]}" is not [namespace/]stream[:tag]\n`);
      return EXIT.USAGE;
    }
    const all = Boolean(args.values.all);
    const from = typeof args.values.from === 'string' ? args.values.from : undefined;
    if (all && (m[3] || from)) {
      io.stderr('imagestreams import: --all imports every tag; it takes neither a TAG nor --from\n');
      return EXIT.USAGE;
    }
    if (from) {
      const p = tryParseReference(from);
      if ('error' in p) {
        io.stderr(`imagestreams import: ${p.error.message}\n`);
        return EXIT.USAGE;
      }
    }
    const json = Boolean(args.values.json);
    const dryRun = Boolean(args.values['dry-run']);
    const mode = publishModeOf(args, io, 'import');
    if (mode === 'invalid') return EXIT.USAGE;
    const configPath = typeof args.values.config === 'string' ? args.values.config : undefined;
    try {
      let project = await loadFromArgs(args, io);
      if (hasErrors(project.diagnostics)) {
        printDiagnostics(project.diagnostics, io, io.stderr);
        return EXIT.USAGE;
      }
      const ns = m[1] ?? project.config.namespace;
      const name = m[2]!;
      const tag = m[3] ?? 'latest';
      let stream = findStream(project, ns, name);
      if (from) {
        const exists = stream?.object.spec?.tags?.some((t) => t.name === tag);
        if ((!stream || !exists) && !args.values.confirm) {
          io.stderr(
            `imagestreams import: ${stream ? `tag ${name}:${tag}` : `stream ${ns}/${name}`} does not exist; add --confirm to create it\n`,
          );
          return EXIT.USAGE;
        }
        // The same tag edit as `tag` and `rollback`: a stale from.namespace and rolled-back-from note go.
        const change: TagSpecChange = {
          from: { kind: 'DockerImage', name: from },
          ...(args.values.scheduled ? { fields: { importPolicy: { scheduled: true } } } : {}),
        };
        const existing = stream?.object.spec?.tags?.find((t) => t.name === tag);
        await applyTagEdits(
          project,
          [
            {
              namespace: ns,
              stream: name,
              tag,
              ops: existing ? tagSpecEdits(existing, change) : [],
              create: newTag(tag, change),
            },
          ],
          { createStreams: true, dryRun },
        );
        if (!dryRun) {
          project = await loadProject({ cwd: io.cwd, ...(configPath !== undefined ? { configPath } : {}) });
          if (hasErrors(project.diagnostics)) {
            printDiagnostics(project.diagnostics, io, io.stderr);
            return EXIT.USAGE;
          }
          stream = findStream(project, ns, name);
        }
      }
      if (!stream) {
        io.stderr(
          `imagestreams import: stream ${ns}/${name} is not declared (use --from REF --confirm to create it)\n`,
        );
        return EXIT.USAGE;
      }
      const tags = stream.object.spec?.tags ?? [];
      const chosen = all
        ? tags.filter((t) => t.from?.kind === 'DockerImage' && !t.reference)
        : tags.filter((t) => t.name === tag);
      if (!from && chosen.length === 0) {
        io.stderr(
          all
            ? `imagestreams import: ${name} has no DockerImage tags to import\n`
            : `imagestreams import: tag ${name}:${tag} does not exist (tags: ${tags.map((t) => t.name).join(', ') || 'none'})\n`,
        );
        return EXIT.USAGE;
      }
      for (const t of chosen) {
        if (t.from?.kind !== 'DockerImage' || t.reference) {
          io.stderr(
            `imagestreams import: ${name}:${t.name} is ${t.reference ? 'a reference tag' : `a ${t.from?.kind} tag`}; only DockerImage tags are imported (it follows its source on every reconcile)\n`,
          );
          return EXIT.USAGE;
        }
      }
      const forced = new Set(chosen.map((t) => tagKey(ns, name, t.name)));
      if (from && forced.size === 0) forced.add(tagKey(ns, name, tag));
      return recordEdit(io, {
        project,
        only: new Set([`${ns}/${name}`]),
        forced,
        ...(mode ? { mode } : {}),
        json,
        dryRun,
      });
    } catch (e) {
      if (e instanceof ImagestreamsError) {
        io.stderr(`imagestreams import: ${e.message}\n`);
        return EXIT.FAILURE;
      }
      throw e;
    }
  },
};
