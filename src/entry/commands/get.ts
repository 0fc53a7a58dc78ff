// `imagestreams get`: a table like `oc get is` (NAME, IMAGE REPOSITORY, TAGS, UPDATED).

import type { Config } from '../../config/config.js';
import { ago } from '../../model/human-time.js';
import type { StreamLock } from '../../model/lock.js';
import { type LoadedStream, streamTags } from '../../model/stream.js';
import { prioritizeTags } from '../../model/tag-order.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { findStreams, imageRepository, lockFor } from './describe.js';
import {
  isUsageDiagnostic,
  loadFromArgs,
  PROJECT_OPTIONS,
  PROJECT_OPTIONS_HELP,
  printDiagnostics,
} from './project.js';

const HELP = `Usage: imagestreams get [STREAM…] [options]

List streams as \`oc get is\` does: NAME, IMAGE REPOSITORY, TAGS (most relevant first, shortened with
"+ N more..."), UPDATED (age of the newest image in the lock; empty before the first import). A NAMESPACE
column is added when the streams listed span several namespaces.

Options:
  -n, --namespace NS  Only streams in this namespace
${PROJECT_OPTIONS_HELP}

Examples:
  imagestreams get
  imagestreams get -n team-a
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

/** The table text (columns separated by 3 spaces, as kubectl prints). */
export function renderTable(rows: readonly GetRow[], now: Date, withNamespace: boolean): string {
  const header = [...(withNamespace ? ['NAMESPACE'] : []), 'NAME', 'IMAGE REPOSITORY', 'TAGS', 'UPDATED'];
  const cells = rows.map((r) => [
    ...(withNamespace ? [r.namespace] : []),
    r.name,
    r.imageRepository,
    tagsUpToWidth(r.tags),
    ago(now, r.updated) ?? '',
  ]);
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
  options: { ...PROJECT_OPTIONS, namespace: { type: 'string', short: 'n' } },
  async run(args, io) {
    const project = await loadFromArgs(args, io);
    if (project.diagnostics.some(isUsageDiagnostic)) {
      printDiagnostics(project.diagnostics.filter(isUsageDiagnostic), io, io.stderr);
      return EXIT.USAGE;
    }
    const ns = typeof args.values.namespace === 'string' ? args.values.namespace : undefined;
    let streams = project.streams;
    if (args.positionals.length > 0) {
      const picked: LoadedStream[] = [];
      for (const q of args.positionals) {
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
    for (const s of streams) {
      const r = await lockFor(s, project.root, project.config, io);
      failed ||= r.failed;
      rows.push(getRow(s, r.lock, project.config));
    }
    if (args.values.json) {
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
      io.stdout(renderTable(rows, io.now(), multiNs && ns === undefined));
    }
    return failed ? EXIT.FAILURE : EXIT.OK;
  },
};
