// `imagestreams set image-lookup STREAM… [--enabled=false]`: edit a declaration's lookupPolicy.local the way
// `oc set image-lookup` edits the object (the logic is src/app/set-image-lookup.ts; this file parses and prints).

import * as nodeFs from 'node:fs/promises';
import { recordEdit } from '../../app/record.js';
import { setImageLookup } from '../../app/set-image-lookup.js';
import { writeFileAtomic } from '../../fs/atomic.js';
import { hasErrors } from '../../model/diagnostic.js';
import { ImagestreamsError } from '../../model/errors.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { loadFromArgs, PROJECT_OPTIONS, PROJECT_OPTIONS_HELP, printDiagnostics } from './project.js';
import { printRun } from './reconcile.js';
import { PUBLISH_OPTION, PUBLISH_OPTION_HELP, progressOf, publishModeOf } from './record.js';

const HELP = `Usage: imagestreams set image-lookup STREAM… [options]
       imagestreams set image-lookup --all [options]

Turn image lookup on (or off, with --enabled=false) for image streams, as \`oc set image-lookup\` does: it sets
spec.lookupPolicy.local in the declaration file, changing only that value (comments and formatting are kept).
With lookup on, workloads in the stream's namespace that name one of its tags by the short name
(image: python:3.12) are consumers: reconcile pins them and verify checks them (docs/triggers.md, section 5).
A stream already in the wanted state is left untouched.

STREAM is \`name\` (in the config's namespace) or \`namespace/name\`.

Options:
      --enabled=BOOL  true (the default) or false
      --all           every declared stream
      --dry-run       print what would change; write nothing
${PUBLISH_OPTION_HELP}
${PROJECT_OPTIONS_HELP}

Examples:
  imagestreams set image-lookup python
  imagestreams set image-lookup team/python team/ruby
  imagestreams set image-lookup python --enabled=false
  imagestreams set image-lookup --all --dry-run --json

Exit codes: 0 done (or nothing to change); 1 the edit could not be made; 2 bad usage, invalid declarations or
a STREAM that is not declared (nothing written).
`;

/** The set command; image-lookup is its one resource, as the issue asks (oc has more). */
export const setCommand: Command = {
  name: 'set',
  summary: 'Set image-lookup on streams (edits the YAML as `oc set image-lookup` edits the object)',
  help: HELP,
  options: {
    ...PROJECT_OPTIONS,
    enabled: { type: 'string' },
    all: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    ...PUBLISH_OPTION,
  },
  async run(args, io) {
    const [what, ...names] = args.positionals;
    const usage = (message: string) => {
      io.stderr(`imagestreams set: ${message}\nRun \`imagestreams set --help\`.\n`);
      return EXIT.USAGE;
    };
    if (what !== 'image-lookup') {
      return usage(
        what ? `unknown resource "${what}": only image-lookup can be set` : 'name what to set: image-lookup',
      );
    }
    const v = args.values;
    const enabledText = v.enabled === undefined ? 'true' : String(v.enabled);
    if (enabledText !== 'true' && enabledText !== 'false')
      return usage(`--enabled must be true or false, not "${enabledText}"`);
    if (Boolean(v.all) === names.length > 0)
      return usage(
        names.length ? 'give STREAM names or --all, not both' : 'name at least one STREAM, or give --all',
      );
    const mode = publishModeOf(args, io, 'set');
    if (mode === 'invalid') return EXIT.USAGE;
    const project = await loadFromArgs(args, io);
    if (hasErrors(project.diagnostics)) {
      printDiagnostics(project.diagnostics, io, io.stderr);
      io.stderr('imagestreams set: fix the declarations above first; nothing was changed\n');
      return EXIT.USAGE;
    }
    const dryRun = Boolean(v['dry-run']);
    let result: Awaited<ReturnType<typeof setImageLookup>>;
    try {
      result = await setImageLookup(
        project,
        { streams: v.all ? 'all' : names, enabled: enabledText === 'true', dryRun },
        { readFile: (p, e) => nodeFs.readFile(p, e), writeFile: writeFileAtomic },
      );
    } catch (e) {
      if (e instanceof ImagestreamsError) {
        io.stderr(`imagestreams set: ${e.message}\n`);
        return e.code === 'NOT_FOUND' ? EXIT.USAGE : EXIT.FAILURE;
      }
      throw e;
    }
    const json = Boolean(v.json);
    if (!mode || dryRun) {
      if (json) io.stdout(`${JSON.stringify({ dryRun, ...result }, null, 2)}\n`);
      else {
        for (const c of result.changes) {
          const state = c.to ? 'enabled' : 'disabled';
          io.stdout(
            `${c.file}:${c.line}: ${c.stream}: image lookup ${c.changed ? state : `already ${state}`}\n`,
          );
        }
        if (result.files.length > 0)
          io.stderr(`${dryRun ? 'dry run: would change' : 'changed'} ${result.files.join(', ')}\n`);
      }
      return EXIT.OK;
    }
    // Record and publish: the declaration edit and the consumers its lookup now governs, together.
    const reloaded = await loadFromArgs(args, io);
    const only = new Set(result.changes.map((c) => c.stream));
    const job = await recordEdit(io, reloaded, { only, mode, ...progressOf(io, json) });
    return printRun(job.run, io, json, job.publish);
  },
};
