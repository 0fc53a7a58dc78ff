// `imagestreams get`: a table like `oc get is` (NAME, IMAGE REPOSITORY, TAGS, UPDATED).

import type { Config } from '../../config/config.js';
import { ago } from '../../model/human-time.js';
import type { StreamLock } from '../../model/lock.js';
import { type LoadedStream, streamTags } from '../../model/stream.js';
import { prioritizeTags } from '../../model/tag-order.js';
import { imageRepository } from '../../render/describe.js';
import { omitUndefined } from '../../util/omit-undefined.js';
import { type Command, usageError } from '../command.js';
import { type CommandIO, EXIT } from '../io.js';
import { getStreamTags } from './get-istag.js';
import { OUTPUT_HELP, OUTPUT_OPTION, outputFormat, RESOURCES, streamObject } from './output.js';
import { PROJECT_OPTIONS, PROJECT_OPTIONS_HELP } from './project.js';
import { columns, findStreams, firstOfEach, lockFor, printListing, queryProject } from './stream-query.js';

const HELP = `Usage: imagestreams get [is|istag] [NAME…] [options]

List streams as \`oc get is\` does: NAME, IMAGE REPOSITORY, TAGS (most relevant first, shortened with
"+ N more..."), UPDATED (age of the newest image in the lock; empty before the first import). A NAMESPACE
column is added when the streams listed span several namespaces.

\`get istag [STREAM[:TAG]…]\` lists stream tags that have an image, as \`oc get istag\` does: NAME
(stream:tag), IMAGE REFERENCE (the locked pull spec), UPDATED.

The resource (is, imagestream, istag, imagestreamtag) may be left out: it defaults to is.

Options:
  -n, --namespace NS  Only streams in this namespace
${OUTPUT_HELP}
${PROJECT_OPTIONS_HELP}

Examples:
  imagestreams get
  imagestreams get is -n team-a -o wide
  imagestreams get python -o yaml
  imagestreams get istag python:3.12
  imagestreams get python --json

Exit codes:
  0  listed (also when nothing matches)
  1  a lock file is invalid
  2  bad usage, or a STREAM that is not declared
`;

const TAGS_WIDTH = 40;

/** Tag names up to about 40 characters, then `+ N more...` (oc's printTagsUpToWidth). */
export function tagsUpToWidth(tags: readonly string[], width = TAGS_WIDTH): string {
  let remaining = width;
  let shown = 0;
  for (const t of tags) {
    remaining -= t.length + 1;
    if (remaining < 0 && shown > 0) break;
    shown++;
  }
  const head = tags.slice(0, shown).join(',');
  return shown < tags.length ? `${head} + ${tags.length - shown} more...` : head;
}

/** One row of the table. */
export interface GetRow {
  namespace: string;
  name: string;
  imageRepository: string;
  tags: string[];
  /** Newest `created` across the lock's current items, if any. */
  updated?: string;
}

/** Build a row from a stream and its lock. */
export function getRow(
  s: LoadedStream,
  lock: StreamLock | undefined,
  config: Pick<Config, 'localRegistry'>,
): GetRow {
  const lockTags = lock?.status.tags ?? [];
  const newest = lockTags
    .map((t) => t.items[0]?.created)
    .filter((c): c is string => Boolean(c))
    .sort()
    .at(-1);
  return {
    namespace: s.namespace,
    name: s.name,
    imageRepository: imageRepository(s, lock, config),
    tags: prioritizeTags([...streamTags(s.object).map((t) => t.name), ...lockTags.map((t) => t.tag)]),
    ...omitUndefined({ updated: newest }),
  };
}

/** The table text (columns separated by 3 spaces, as kubectl prints); `wide` lists every tag. */
export function renderTable(
  rows: readonly GetRow[],
  now: Date,
  withNamespace: boolean,
  wide = false,
): string {
  const header = [...(withNamespace ? ['NAMESPACE'] : []), 'NAME', 'IMAGE REPOSITORY', 'TAGS', 'UPDATED'];
  const cells = rows.map((r) => [
    ...(withNamespace ? [r.namespace] : []),
    r.name,
    r.imageRepository,
    wide ? r.tags.join(',') : tagsUpToWidth(r.tags),
    ago(now, r.updated) ?? '',
  ]);
  return columns(header, cells);
}

/** The streams `names` pick (all without names), in `ns` if given; else the exit code after saying which is unknown. */
function pickStreams(
  streams: readonly LoadedStream[],
  names: string[],
  ns: string | undefined,
  io: CommandIO,
): LoadedStream[] | number {
  let picked = [...streams];
  if (names.length > 0) {
    picked = [];
    for (const q of names) {
      const f = findStreams(streams, q);
      if (f.length === 0) {
        io.stderr(`imagestreams get: no stream "${q}" is declared\n`);
        return EXIT.USAGE;
      }
      picked.push(...f);
    }
  }
  if (ns !== undefined) picked = picked.filter((s) => s.namespace === ns);
  const key = (s: LoadedStream) => `${s.namespace}/${s.name}`;
  return firstOfEach(picked).sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

/** The get command. */
export const getCommand: Command = {
  name: 'get',
  summary: 'List streams like `oc get is`: name, image repository, tags, last update',
  help: HELP,
  options: { ...PROJECT_OPTIONS, ...OUTPUT_OPTION, namespace: { type: 'string', short: 'n' } },
  async run(args, io) {
    const out = outputFormat(args.values);
    if ('error' in out) return usageError(io, 'get', out.error);
    const first = args.positionals[0];
    const resource = first !== undefined && Object.hasOwn(RESOURCES, first) ? RESOURCES[first]! : undefined;
    const names = resource ? args.positionals.slice(1) : args.positionals;
    if (resource === 'istag') return getStreamTags(args, names, out.format, io);
    const project = await queryProject(args, io);
    if (typeof project === 'number') return project;
    const ns = typeof args.values.namespace === 'string' ? args.values.namespace : undefined;
    const streams = pickStreams(project.streams, names, ns, io);
    if (typeof streams === 'number') return streams;
    let failed = false;
    const rows: GetRow[] = [];
    const objects: unknown[] = [];
    for (const s of streams) {
      const r = await lockFor(s, project.root, project.config, io);
      failed ||= r.failed;
      const row = getRow(s, r.lock, project.config);
      rows.push(row);
      objects.push(streamObject(s, r.lock, row.imageRepository));
    }
    const multiNs = new Set(rows.map((r) => r.namespace)).size > 1 && ns === undefined;
    printListing(io, {
      format: out.format,
      json: Boolean(args.values.json),
      objects,
      single: names.length === 1,
      names: rows.map((r) => `imagestream.image.openshift.io/${r.name}`),
      rows: rows.map((r) => ({ ...r, updated: r.updated ?? null })),
      empty: ns !== undefined ? `No image streams found in namespace ${ns}.\n` : 'No image streams found.\n',
      table: () => renderTable(rows, io.now(), multiNs, out.format === 'wide'),
    });
    return failed ? EXIT.FAILURE : EXIT.OK;
  },
};
