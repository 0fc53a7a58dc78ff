// `imagestreams get`: a table like `oc get is` (NAME, IMAGE REPOSITORY, TAGS, UPDATED).

import { isUsageDiagnostic } from '../../app/project.js';
import type { Config } from '../../config/config.js';
import { ago } from '../../model/human-time.js';
import type { StreamLock } from '../../model/lock.js';
import { type LoadedStream, streamTags } from '../../model/stream.js';
import { prioritizeTags } from '../../model/tag-order.js';
import { type Command, type ParsedArgs, usageError } from '../command.js';
import { type CommandIO, EXIT } from '../io.js';
import { findStreams, imageRepository, lockFor } from './describe.js';
import {
  OUTPUT_HELP,
  OUTPUT_OPTION,
  type OutputFormat,
  outputFormat,
  RESOURCES,
  renderObjects,
  streamObject,
  streamTagObject,
} from './output.js';
import { loadFromArgs, PROJECT_OPTIONS, PROJECT_OPTIONS_HELP, printDiagnostics } from './project.js';

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
    ...(newest ? { updated: newest } : {}),
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

/** Cells in columns separated by 3 spaces, the last column unpadded. */
export function columns(header: string[], cells: string[][]): string {
  const all = [header, ...cells];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  return (
    all
      .map((row) =>
        row
          .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]! + 3)))
          .join('')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** The get command. */
export const getCommand: Command = {
  name: 'get',
  summary: 'List streams like `oc get is`: name, image repository, tags, last update',
  help: HELP,
  options: { ...PROJECT_OPTIONS, ...OUTPUT_OPTION, namespace: { type: 'string', short: 'n' } },
  async run(args, io) {
    const out = outputFormat(args.values);
    if ('error' in out) {
      return usageError(io, 'get', out.error);
    }
    const first = args.positionals[0];
    const resource = first !== undefined && Object.hasOwn(RESOURCES, first) ? RESOURCES[first]! : undefined;
    const names = resource ? args.positionals.slice(1) : args.positionals;
    if (resource === 'istag') return getStreamTags(args, names, out.format, io);
    const project = await loadFromArgs(args, io);
    if (project.diagnostics.some(isUsageDiagnostic)) {
      printDiagnostics(project.diagnostics.filter(isUsageDiagnostic), io, io.stderr);
      return EXIT.USAGE;
    }
    const ns = typeof args.values.namespace === 'string' ? args.values.namespace : undefined;
    let streams = project.streams;
    if (names.length > 0) {
      const picked: LoadedStream[] = [];
      for (const q of names) {
        const f = findStreams(streams, q);
        if (f.length === 0) {
          io.stderr(`imagestreams get: no stream "${q}" is declared\n`);
          return EXIT.USAGE;
        }
        picked.push(...f);
      }
      streams = picked;
    }
    if (ns !== undefined) streams = streams.filter((s) => s.namespace === ns);
    const seen = new Set<string>();
    streams = streams
      .filter((s) => {
        const k = `${s.namespace}/${s.name}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      })
      .sort((a, b) => (a.namespace + '/' + a.name < b.namespace + '/' + b.name ? -1 : 1));
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
    if (out.format === 'json' || out.format === 'yaml') {
      io.stdout(renderObjects(objects, out.format, names.length === 1));
    } else if (out.format === 'name') {
      for (const r of rows) io.stdout(`imagestream.image.openshift.io/${r.name}\n`);
    } else if (args.values.json) {
      io.stdout(
        `${JSON.stringify(
          rows.map((r) => ({ ...r, updated: r.updated ?? null })),
          null,
          2,
        )}\n`,
      );
    } else if (rows.length === 0) {
      io.stderr(
        ns !== undefined ? `No image streams found in namespace ${ns}.\n` : 'No image streams found.\n',
      );
    } else {
      const multiNs = new Set(rows.map((r) => r.namespace)).size > 1;
      io.stdout(renderTable(rows, io.now(), multiNs && ns === undefined, out.format === 'wide'));
    }
    return failed ? EXIT.FAILURE : EXIT.OK;
  },
};

/** One row of `get istag`. */
export interface StreamTagRow {
  namespace: string;
  name: string;
  dockerImageReference: string;
  image: string;
  updated: string;
}

/** `get istag [STREAM[:TAG]…]`: every stream tag with an image (oc lists only those), sorted by name. */
async function getStreamTags(
  args: ParsedArgs,
  names: string[],
  format: OutputFormat | undefined,
  io: CommandIO,
): Promise<number> {
  const project = await loadFromArgs(args, io);
  if (project.diagnostics.some(isUsageDiagnostic)) {
    printDiagnostics(project.diagnostics.filter(isUsageDiagnostic), io, io.stderr);
    return EXIT.USAGE;
  }
  const ns = typeof args.values.namespace === 'string' ? args.values.namespace : undefined;
  const wanted: { stream: LoadedStream; tag?: string }[] = [];
  if (names.length === 0) {
    for (const s of project.streams) wanted.push({ stream: s });
  } else {
    for (const q of names) {
      const colon = q.lastIndexOf(':');
      const streamName = colon > 0 ? q.slice(0, colon) : q;
      const found = findStreams(project.streams, streamName);
      if (found.length === 0) {
        io.stderr(`imagestreams get: no stream "${streamName}" is declared\n`);
        return EXIT.USAGE;
      }
      for (const s of found) wanted.push({ stream: s, ...(colon > 0 ? { tag: q.slice(colon + 1) } : {}) });
    }
  }
  let failed = false;
  const rows: StreamTagRow[] = [];
  const objects: unknown[] = [];
  const seen = new Set<string>();
  for (const w of wanted) {
    const s = w.stream;
    if (ns !== undefined && s.namespace !== ns) continue;
    const r = await lockFor(s, project.root, project.config, io);
    failed ||= r.failed;
    for (const t of r.lock?.status.tags ?? []) {
      const current = t.items[0];
      const key = `${s.namespace}/${s.name}:${t.tag}`;
      if (!current || (w.tag !== undefined && t.tag !== w.tag) || seen.has(key)) continue;
      seen.add(key);
      rows.push({
        namespace: s.namespace,
        name: `${s.name}:${t.tag}`,
        dockerImageReference: current.dockerImageReference,
        image: current.image,
        updated: current.created,
      });
      objects.push(streamTagObject(s, t));
    }
    if (w.tag !== undefined && !(r.lock?.status.tags ?? []).some((t) => t.tag === w.tag && t.items[0])) {
      io.stderr(
        `imagestreams get: ${s.namespace}/${s.name}:${w.tag} has no image yet (not declared, or not imported)\n`,
      );
      failed = true;
    }
  }
  const order = rows
    .map((r, i) => [r, objects[i]] as const)
    .sort(([a], [b]) => {
      const ka = `${a.namespace}/${a.name}`;
      const kb = `${b.namespace}/${b.name}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  if (format === 'json' || format === 'yaml') {
    io.stdout(
      renderObjects(
        order.map(([, o]) => o),
        format,
        names.length === 1 && names[0]!.includes(':'),
      ),
    );
  } else if (format === 'name') {
    for (const [r] of order) io.stdout(`imagestreamtag.image.openshift.io/${r.name}\n`);
  } else if (args.values.json) {
    io.stdout(
      `${JSON.stringify(
        order.map(([r]) => r),
        null,
        2,
      )}\n`,
    );
  } else if (order.length === 0) {
    io.stderr(
      ns !== undefined ? `No image stream tags found in namespace ${ns}.\n` : 'No image stream tags found.\n',
    );
  } else {
    const multiNs = new Set(order.map(([r]) => r.namespace)).size > 1 && ns === undefined;
    const wide = format === 'wide';
    const header = [
      ...(multiNs ? ['NAMESPACE'] : []),
      'NAME',
      'IMAGE REFERENCE',
      'UPDATED',
      ...(wide ? ['IMAGENAME'] : []),
    ];
    const cells = order.map(([r]) => [
      ...(multiNs ? [r.namespace] : []),
      r.name,
      r.dockerImageReference,
      ago(io.now(), r.updated) ?? '',
      ...(wide ? [r.image] : []),
    ]);
    io.stdout(columns(header, cells));
  }
  return failed ? EXIT.FAILURE : EXIT.OK;
}
