// `imagestreams get istag [STREAM[:TAG]…]`: the stream tags that have an image, as `oc get istag` lists them
// (NAME stream:tag, IMAGE REFERENCE, UPDATED; -o wide adds IMAGENAME).

import type { LoadedProject } from '../../loader/load.js';
import { ago } from '../../model/human-time.js';
import type { LoadedStream } from '../../model/stream.js';
import { omitUndefined } from '../../util/omit-undefined.js';
import type { ParsedArgs } from '../command.js';
import { type CommandIO, EXIT } from '../io.js';
import { type OutputFormat, streamTagObject } from './output.js';
import { columns, findStreams, lockFor, printListing, queryProject } from './stream-query.js';

/** One row of `get istag`. */
export interface StreamTagRow {
  namespace: string;
  name: string;
  dockerImageReference: string;
  image: string;
  updated: string;
}

type Wanted = { stream: LoadedStream; tag?: string };

/** The streams (and tags) the names ask for; the exit code after saying which stream is not declared. */
function wantedTags(project: LoadedProject, names: string[], io: CommandIO): Wanted[] | number {
  if (names.length === 0) return project.streams.map((stream) => ({ stream }));
  const wanted: Wanted[] = [];
  for (const q of names) {
    const colon = q.lastIndexOf(':');
    const streamName = colon > 0 ? q.slice(0, colon) : q;
    const found = findStreams(project.streams, streamName);
    if (found.length === 0) {
      io.stderr(`imagestreams get: no stream "${streamName}" is declared\n`);
      return EXIT.USAGE;
    }
    const tag = colon > 0 ? q.slice(colon + 1) : undefined;
    for (const stream of found) wanted.push({ stream, ...omitUndefined({ tag }) });
  }
  return wanted;
}

/** The rows and objects of the wanted tags that have an image, sorted by namespace/name; failed: a lock or tag. */
async function tagRows(project: LoadedProject, wanted: Wanted[], ns: string | undefined, io: CommandIO) {
  let failed = false;
  const found: { row: StreamTagRow; object: unknown }[] = [];
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
      const row = {
        namespace: s.namespace,
        name: `${s.name}:${t.tag}`,
        dockerImageReference: current.dockerImageReference,
        image: current.image,
        updated: current.created,
      };
      found.push({ row, object: streamTagObject(s, t) });
    }
    if (w.tag !== undefined && !(r.lock?.status.tags ?? []).some((t) => t.tag === w.tag && t.items[0])) {
      io.stderr(
        `imagestreams get: ${s.namespace}/${s.name}:${w.tag} has no image yet (not declared, or not imported)\n`,
      );
      failed = true;
    }
  }
  const key = (r: StreamTagRow) => `${r.namespace}/${r.name}`;
  found.sort((a, b) => (key(a.row) < key(b.row) ? -1 : key(a.row) > key(b.row) ? 1 : 0));
  return { failed, found };
}

/** The table: a NAMESPACE column when several are listed, IMAGENAME with -o wide. */
function tagTable(rows: StreamTagRow[], now: Date, multiNs: boolean, wide: boolean): string {
  const header = [
    ...(multiNs ? ['NAMESPACE'] : []),
    'NAME',
    'IMAGE REFERENCE',
    'UPDATED',
    ...(wide ? ['IMAGENAME'] : []),
  ];
  const cells = rows.map((r) => [
    ...(multiNs ? [r.namespace] : []),
    r.name,
    r.dockerImageReference,
    ago(now, r.updated) ?? '',
    ...(wide ? [r.image] : []),
  ]);
  return columns(header, cells);
}

/** `get istag [STREAM[:TAG]…]`: every stream tag with an image (oc lists only those), sorted by name. */
export async function getStreamTags(
  args: ParsedArgs,
  names: string[],
  format: OutputFormat | undefined,
  io: CommandIO,
): Promise<number> {
  const project = await queryProject(args, io);
  if (typeof project === 'number') return project;
  const ns = typeof args.values.namespace === 'string' ? args.values.namespace : undefined;
  const wanted = wantedTags(project, names, io);
  if (typeof wanted === 'number') return wanted;
  const { failed, found } = await tagRows(project, wanted, ns, io);
  const rows = found.map((f) => f.row);
  const multiNs = new Set(rows.map((r) => r.namespace)).size > 1 && ns === undefined;
  printListing(io, {
    format,
    json: Boolean(args.values.json),
    objects: found.map((f) => f.object),
    single: names.length === 1 && names[0]!.includes(':'),
    names: rows.map((r) => `imagestreamtag.image.openshift.io/${r.name}`),
    rows,
    empty:
      ns !== undefined ? `No image stream tags found in namespace ${ns}.\n` : 'No image stream tags found.\n',
    table: () => tagTable(rows, io.now(), multiNs, format === 'wide'),
  });
  return failed ? EXIT.FAILURE : EXIT.OK;
}
