// What describe and get share: loading the project for a query, finding streams by name, reading their locks,
// and printing a listing in the format asked for.

import * as nodeFs from 'node:fs/promises';
import { isUsageDiagnostic } from '../../app/project.js';
import type { Config } from '../../config/config.js';
import type { ReadFs } from '../../config/load.js';
import type { LoadedProject } from '../../loader/load.js';
import { readLock } from '../../loader/lock-file.js';
import { hasCode } from '../../model/errors.js';
import type { StreamLock } from '../../model/lock.js';
import type { LoadedStream } from '../../model/stream.js';
import type { ParsedArgs } from '../command.js';
import { type CommandIO, EXIT } from '../io.js';
import { type OutputFormat, renderObjects } from './output.js';
import { loadFromArgs, printDiagnostics } from './project.js';

/** The project to query; the exit code after printing them when --config or a path does not exist. */
export async function queryProject(args: ParsedArgs, io: CommandIO): Promise<LoadedProject | number> {
  const project = await loadFromArgs(args, io);
  if (!project.diagnostics.some(isUsageDiagnostic)) return project;
  printDiagnostics(project.diagnostics.filter(isUsageDiagnostic), io, io.stderr);
  return EXIT.USAGE;
}

/** The streams without a second declaration of the same namespace/name (the first one wins). */
export function firstOfEach(streams: readonly LoadedStream[]): LoadedStream[] {
  const seen = new Set<string>();
  return streams.filter((s) => {
    const k = `${s.namespace}/${s.name}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Streams matching `name` or `namespace/name`. */
export function findStreams(streams: readonly LoadedStream[], query: string): LoadedStream[] {
  const slash = query.indexOf('/');
  const found =
    slash >= 0
      ? streams.filter((s) => s.namespace === query.slice(0, slash) && s.name === query.slice(slash + 1))
      : streams.filter((s) => s.name === query);
  // A name declared twice in one namespace: the first declaration wins (validate warns about it).
  return firstOfEach(found);
}

/** Read a lock for a command; an invalid lock is printed and turns into exit code 1. */
export async function lockFor(
  s: LoadedStream,
  root: string,
  config: Config,
  io: CommandIO,
  fs: ReadFs = nodeFs as unknown as ReadFs,
): Promise<{ lock?: StreamLock; failed: boolean }> {
  try {
    const lock = await readLock(fs, root, config, s.namespace, s.name);
    return lock ? { lock, failed: false } : { failed: false };
  } catch (e) {
    if (hasCode(e, 'INVALID_LOCK') || hasCode(e, 'LOCK_UNREADABLE')) {
      io.stderr(`${e.message}\n`);
      return { failed: true };
    }
    throw e;
  }
}

/** A listing in the format asked for: -o json|yaml (objects), -o name, --json (rows), else the table. */
export interface Listing {
  format: OutputFormat | undefined;
  json: boolean;
  objects: unknown[];
  /** -o json|yaml prints the one object alone, not a List. */
  single: boolean;
  /** `-o name` lines (without their newline). */
  names: string[];
  rows: unknown[];
  /** What to say on stderr when there is nothing to list. */
  empty: string;
  table: () => string;
}

/** Print a listing. */
export function printListing(io: CommandIO, l: Listing): void {
  if (l.format === 'json' || l.format === 'yaml') io.stdout(renderObjects(l.objects, l.format, l.single));
  else if (l.format === 'name') for (const n of l.names) io.stdout(`${n}\n`);
  else if (l.json) io.stdout(`${JSON.stringify(l.rows, null, 2)}\n`);
  else if (l.rows.length === 0) io.stderr(l.empty);
  else io.stdout(l.table());
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
