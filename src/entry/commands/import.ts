// `imagestreams import STREAM[:TAG]`: import now, whether or not the tag is due (like `oc import-image`).

import { type ImportRequest, importTags, setsPolicies, type TagPolicies } from '../../app/import.js';
import { tryParseReference } from '../../model/reference.js';
import { parseStreamTag } from '../../model/stream-tag.js';
import { omitUndefined } from '../../util/omit-undefined.js';
import { type Command, type ParsedArgs, usageError } from '../command.js';
import { type CommandIO, EXIT } from '../io.js';
import { PROJECT_OPTIONS, PROJECT_OPTIONS_HELP } from './project.js';
import { printRun } from './reconcile.js';
import {
  PUBLISH_OPTION,
  PUBLISH_OPTION_HELP,
  progressOf,
  publishModeOf,
  renderStop,
  TAG_POLICY_OPTIONS,
} from './record.js';

const HELP = `Usage: imagestreams import STREAM[:TAG] [--all] [--from REF --confirm] [policy options] [options]

Import a stream's tags now, even when they are not due (not new, not changed, not scheduled), and
record the result in the lock; consumers that follow them are rewritten in the same run.
Without TAG the "latest" tag is imported; --all imports every DockerImage tag of the stream.
With --from, the tag is first pointed at REF (the declaration is edited in place); creating a stream or
tag that does not exist yet needs --confirm, as with \`oc import-image\`. The policy options, as in
\`oc import-image\`, set the tag's policies in the declaration (with or without --from) before importing.

Options:
      --all           import every DockerImage tag of the stream
      --from REF      import from this pull spec (sets the tag's from)
      --confirm       allow --from to create the stream or the tag
      --dry-run       resolve and print; write nothing
${PUBLISH_OPTION_HELP}

Policy options (written to the tag's declaration):
      --scheduled                 importPolicy.scheduled: re-import on every reconcile
      --insecure                  importPolicy.insecure: plain HTTP or unverified TLS for this tag's registry
      --reference-policy TYPE     referencePolicy.type: source or local
      --import-mode MODE          importPolicy.importMode: Legacy or PreserveOriginal
${PROJECT_OPTIONS_HELP}

Exit codes: 0 imported; 1 an import failed (the last good digest is kept); 2 bad usage or unknown stream/tag.
`;

/** The policies the options ask for (as `oc import-image` sets them), or what is wrong with them. */
export function policyFromOptions(v: Record<string, unknown>): TagPolicies | { error: string } {
  const importPolicy: Record<string, unknown> = {};
  if (v.scheduled) importPolicy.scheduled = true;
  if (v.insecure) importPolicy.insecure = true;
  const mode = v['import-mode'];
  if (mode !== undefined) {
    if (mode !== 'Legacy' && mode !== 'PreserveOriginal') {
      return { error: `--import-mode must be Legacy or PreserveOriginal, not ${JSON.stringify(mode)}` };
    }
    importPolicy.importMode = mode;
  }
  const ref = v['reference-policy'];
  if (ref === undefined) return { importPolicy };
  const type = { local: 'Local', source: 'Source' }[String(ref).toLowerCase()];
  if (!type) return { error: `--reference-policy must be source or local, not ${JSON.stringify(ref)}` };
  return { importPolicy, referencePolicy: { type } };
}

const refuse = (io: CommandIO, message: string) => {
  io.stderr(`imagestreams import: ${message}\n`);
  return EXIT.USAGE;
};

/** Parse the import command's arguments (printing what is wrong as a usage error); else the exit code. */
export function importInput(args: ParsedArgs, io: CommandIO): ImportRequest | number {
  if (args.positionals.length !== 1) {
    return refuse(io, 'give exactly one STREAM[:TAG]\nRun `imagestreams import --help`.');
  }
  const parsed = parseStreamTag(args.positionals[0]!, { tag: 'optional' });
  if ('error' in parsed) {
    return refuse(io, `"${args.positionals[0]}" is not [namespace/]stream[:tag]: ${parsed.error.message}`);
  }
  const v = args.values;
  const { namespace, stream, tag } = parsed.ref;
  const all = Boolean(v.all);
  const from = typeof v.from === 'string' ? v.from : undefined;
  if (all && (tag || from)) return refuse(io, '--all imports every tag; it takes neither a TAG nor --from');
  const policies = policyFromOptions(v);
  if ('error' in policies) return usageError(io, 'import', policies.error);
  if (all && setsPolicies(policies)) {
    return refuse(io, 'policy options change one tag; give STREAM:TAG instead of --all');
  }
  if (from) {
    const p = tryParseReference(from);
    if ('error' in p) return refuse(io, p.error.message);
  }
  const mode = publishModeOf(args, io, 'import');
  if (mode === 'invalid') return EXIT.USAGE;
  const configPath = typeof v.config === 'string' ? v.config : undefined;
  return {
    stream,
    all,
    confirm: Boolean(v.confirm),
    policies,
    dryRun: Boolean(v['dry-run']),
    ...omitUndefined({ namespace, tag: tag || undefined, from, mode, configPath }),
  };
}

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
    ...TAG_POLICY_OPTIONS,
    ...PUBLISH_OPTION,
  },
  async run(args, io) {
    const req = importInput(args, io);
    if (typeof req === 'number') return req;
    const json = Boolean(args.values.json);
    const r = await importTags(io, { ...req, ...progressOf(io, json) });
    if (r.stop) return renderStop(io, 'import', r.stop);
    return printRun(r.job!.run, io, json, req.mode ? r.job!.publish : undefined);
  },
};
