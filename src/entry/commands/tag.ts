// `imagestreams tag SOURCE DEST…`: edit the declarations the way `oc tag` edits the objects.

import type { RecordRequest } from '../../app/record.js';
import { type TagResult, tagStreams } from '../../app/tag.js';
import type { LoadedProject } from '../../loader/load.js';
import { ImagestreamsError } from '../../model/errors.js';
import { planTag, type TagAction } from '../../policy/oc-tag.js';
import type { PublishMode } from '../../publish/publish.js';
import { omitUndefined } from '../../util/omit-undefined.js';
import { type Command, type ParsedArgs, usageError } from '../command.js';
import { type CommandIO, EXIT } from '../io.js';
import { loadFromArgs, PROJECT_OPTIONS, PROJECT_OPTIONS_HELP } from './project.js';
import { printRun } from './reconcile.js';
import {
  PUBLISH_OPTION,
  PUBLISH_OPTION_HELP,
  progressOf,
  publishModeOf,
  renderStop,
  TAG_POLICY_OPTIONS,
} from './record.js';

const HELP = `Usage: imagestreams tag SOURCE DEST… [options]
       imagestreams tag --delete STREAM:TAG…

Point stream tags at an image, another tag, or an image from a stream's history, by editing the
declaration files in place (comments, key order and formatting are kept; only changed values change).
Rules are those of \`oc tag\`:
  - SOURCE with a registry host (quay.io/org/app:1, localhost:5000/app:1) is a DockerImage;
    stream@sha256:… is an ImageStreamImage (an image from that stream's history);
    [namespace/]stream:tag is an ImageStreamTag; a bare name (mysql) is a DockerImage.
    --source overrides the guess.
  - DEST without a tag (app) is app:latest.
  - Tagging onto an existing tag replaces its whole spec: what is not given again (--scheduled,
    policies, annotations) is dropped.
  - An ImageStreamTag source without --alias is copied as the image it points at now
    (the destination becomes stream@sha256:…); with --alias the destination tracks it.
  - --alias works only within one stream, to a declared tag, and not with --scheduled or --insecure.
  - --delete takes only destinations (any tag name, even an invalid one) and no other flag.
A destination stream that does not exist is created under the first declarations folder:
<folder>/<name>.yaml in the default namespace, <folder>/<namespace>/<name>.yaml in another; an existing
file is never replaced. Run \`imagestreams reconcile\` afterwards to import and record the change in the
lock, or give --publish to record it now and publish declaration, lock and consumers together.

Options:
      --source KIND             docker, istag or isimage
      --alias                   track the source tag (same stream only)
      --scheduled               re-import periodically (DockerImage only)
      --insecure                allow HTTP or unverified TLS for this registry (DockerImage only)
      --reference               never import; pass the pull spec through as-is
      --reference-policy TYPE   source (consumers pull upstream) or local (the local registry)
      --import-mode MODE        Legacy (one platform) or PreserveOriginal (the index, every platform)
  -d, --delete                  delete the given tags
      --dry-run                 print what would change; write nothing
${PUBLISH_OPTION_HELP}
${PROJECT_OPTIONS_HELP}

Examples:
  imagestreams tag quay.io/sclorg/python-312-c9s:latest python:3.12 --scheduled
  imagestreams tag python:3.12 python:latest --alias
  imagestreams tag python:3.12 app:base          # pin app:base to python:3.12's current image
  imagestreams tag --delete python:3.11

Exit codes: 0 done; 1 a source has no image yet, an --alias target or a tag to delete does not exist;
2 bad usage.
`;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** What the tag command was asked: the project it loaded, the actions, how to record; else the exit code. */
export interface TagInput {
  project: LoadedProject;
  actions: TagAction[];
  record: RecordRequest;
}

/** Parse the tag command's arguments (printing what is wrong as a usage error). */
export async function tagInput(args: ParsedArgs, io: CommandIO): Promise<TagInput | number> {
  const v = args.values;
  const [source, ...dests] = args.positionals;
  const project = await loadFromArgs(args, io);
  let actions: TagAction[];
  try {
    actions = planTag(
      source,
      dests,
      omitUndefined({
        currentNamespace: project.config.namespace,
        source: str(v.source) || undefined,
        alias: Boolean(v.alias),
        scheduled: Boolean(v.scheduled),
        insecure: Boolean(v.insecure),
        reference: Boolean(v.reference),
        referencePolicy: str(v['reference-policy']) || undefined,
        importMode: str(v['import-mode']) || undefined,
        delete: Boolean(v.delete),
      }),
    );
  } catch (e) {
    if (e instanceof ImagestreamsError) return usageError(io, 'tag', e.message);
    throw e;
  }
  const mode = publishModeOf(args, io, 'tag');
  if (mode === 'invalid') return EXIT.USAGE;
  const record = omitUndefined({ mode, dryRun: Boolean(v['dry-run']), configPath: str(v.config) });
  return { project, actions, record };
}

/** Print a tag result (the edit, why it stopped, the recording run); returns the exit code. */
export function renderTag(r: TagResult, io: CommandIO, json: boolean, mode?: PublishMode): number {
  const e = r.edit;
  if (e && json && !mode) {
    io.stdout(`${JSON.stringify({ dryRun: e.dryRun, actions: e.actions, files: e.files }, null, 2)}\n`);
  } else if (e) {
    io.stdout(`${e.messages.join('\n')}\n`);
    const files = e.files.join(', ');
    io.stderr(
      e.dryRun
        ? `dry run: would change ${files}\n`
        : mode
          ? `changed ${files}\n`
          : `changed ${files}; run \`imagestreams reconcile\` to import (or give --publish)\n`,
    );
  }
  if (r.stop) return renderStop(io, 'tag', r.stop);
  return r.job ? printRun(r.job.run, io, json, r.job.publish) : EXIT.OK;
}

/** The tag command (see HELP). */
export const tagCommand: Command = {
  name: 'tag',
  summary: 'Point stream tags at an image or another tag (edits the YAML as `oc tag` edits the object)',
  help: HELP,
  options: {
    ...PROJECT_OPTIONS,
    ...TAG_POLICY_OPTIONS,
    source: { type: 'string' },
    alias: { type: 'boolean' },
    reference: { type: 'boolean' },
    delete: { type: 'boolean', short: 'd' },
    ...PUBLISH_OPTION,
  },
  async run(args, io) {
    const input = await tagInput(args, io);
    if (typeof input === 'number') return input;
    const { project, actions, record } = input;
    const json = Boolean(args.values.json);
    const r = await tagStreams(io, project, actions, { ...record, ...progressOf(io, json) });
    return renderTag(r, io, json, record.mode);
  },
};
