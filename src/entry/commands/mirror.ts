// `imagestreams mirror [STREAM...]`: copy what the locks pin for `referencePolicy: Local` tags into the integrated
// registry (localRegistry), on demand — after a registry was reset, or to repair a copy that broke off.

import * as nodeFs from 'node:fs/promises';
import { createProjectCopier, lockedLocalTags, type MirrorOutcome, mirrorItems } from '../../app/mirror.js';
import { readLock } from '../../loader/lock-file.js';
import { hasErrors } from '../../model/diagnostic.js';
import { ImagestreamsError } from '../../model/errors.js';
import { unknownStreams, unknownStreamsMessage } from '../../policy/stream-selection.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { loadFromArgs, PROJECT_OPTIONS, PROJECT_OPTIONS_HELP, plural, printDiagnostics } from './project.js';

const HELP = `Usage: imagestreams mirror [STREAM...] [options]

Copy the image each referencePolicy: Local tag is locked to into the integrated registry (localRegistry in
.imagestreams.yaml) at <localRegistry>/<namespace>/<stream>: every platform of it (the index, every child
manifest including attestations, configs and layers), bytes unchanged so the digest is the locked one, and
checked after the copy. Reconcile does the same on every import of a Local tag; this command does it on demand,
for what the locks already pin. What the registry already has is skipped, so an interrupted copy resumes.
See docs/mirror.md.

Arguments:
  STREAM              A stream (name or namespace/name); default: every stream

Options:
${PROJECT_OPTIONS_HELP}

Progress goes to stderr (one line per tag). With --json, stdout gets
  {"ok": true, "mirrored": [{"key", "source", "target", "report"}], "failed": [{"key", "reason", "message"}]}

Exit codes: 0 every Local tag's image is in the local registry (or there is none); 1 a copy failed;
2 bad usage (unknown option or stream, no localRegistry in the config, invalid declarations or locks).
`;

/** The mirror command (see HELP). */
export const mirrorCommand: Command = {
  name: 'mirror',
  summary: 'Copy the images Local tags are locked to into the integrated registry (localRegistry)',
  help: HELP,
  options: PROJECT_OPTIONS,
  async run(args, io) {
    const project = await loadFromArgs(args, io);
    if (hasErrors(project.diagnostics)) {
      printDiagnostics(project.diagnostics, io, io.stderr);
      return EXIT.USAGE;
    }
    const { config } = project;
    if (!config.localRegistry) {
      io.stderr(
        'imagestreams mirror: no localRegistry in the config; set localRegistry: <host[:port][/path]> in .imagestreams.yaml (see docs/mirror.md)\n',
      );
      return EXIT.USAGE;
    }
    const only = args.positionals.length > 0 ? new Set(args.positionals) : undefined;
    const unknown = only ? unknownStreams(only, project.streams) : [];
    if (unknown.length > 0) {
      io.stderr(`imagestreams mirror: ${unknownStreamsMessage(unknown, project.streams.length)}\n`);
      return EXIT.USAGE;
    }
    let states: Parameters<typeof lockedLocalTags>[0];
    try {
      states = await Promise.all(
        project.streams.map(async (s) => {
          const lock = await readLock(nodeFs, project.root, config, s.namespace, s.name);
          return { namespace: s.namespace, name: s.name, object: s.object, ...(lock ? { lock } : {}) };
        }),
      );
    } catch (e) {
      if (!(e instanceof ImagestreamsError)) throw e;
      io.stderr(`imagestreams mirror: ${e.message}\n`);
      return EXIT.USAGE;
    }
    const items = lockedLocalTags(states, only);
    const copier = createProjectCopier(config, io.env, io.logger);
    let outcomes: MirrorOutcome[];
    try {
      outcomes = await mirrorItems({ copier, config, logger: io.logger }, items, (o) =>
        io.stderr(o.ok ? `mirrored ${o.key} → ${o.target}\n` : `failed ${o.key}: ${o.message}\n`),
      );
    } finally {
      copier.close();
    }
    const failed = outcomes.filter((o) => !o.ok);
    const ok = failed.length === 0;
    if (args.values.json) {
      io.stdout(
        `${JSON.stringify(
          {
            ok,
            mirrored: outcomes.filter((o) => o.ok),
            failed: failed.map(({ key, source, target, reason, message, temporary }) => ({
              key,
              source,
              target,
              reason,
              message,
              temporary,
            })),
          },
          null,
          2,
        )}\n`,
      );
    }
    io.stderr(
      `mirror: ${plural(outcomes.length - failed.length, 'Local tag')} in ${config.localRegistry}${ok ? '' : `, ${failed.length} failed`}\n`,
    );
    return ok ? EXIT.OK : EXIT.FAILURE;
  },
};
