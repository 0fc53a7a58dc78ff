// Which declared streams an error belongs to, so a run on the default branch can skip just those streams (and
// reconcile the rest, security bumps included) instead of stopping everything. Pure.

import type { Diagnostic } from '../model/diagnostic.js';
import type { LoadedStream } from '../model/stream.js';

/** Errors split by the stream they sit in; the rest (config, files that yielded no stream) stay unattributed. */
export interface ErrorsByStream {
  /** `namespace/name` → its errors. */
  byStream: Map<string, Diagnostic[]>;
  unattributed: Diagnostic[];
}

/**
 * Attribute each error to the stream whose object starts last at or before it in the same file. `candidates`
 * are all streams that were checked (including schema-invalid ones reduced to their valid parts).
 */
export function errorsByStream(
  candidates: readonly LoadedStream[],
  diagnostics: readonly Diagnostic[],
): ErrorsByStream {
  const starts = new Map<string, { line: number; key: string }[]>();
  for (const s of candidates) {
    const list = starts.get(s.file) ?? [];
    list.push({ line: s.position([]).line, key: `${s.namespace}/${s.name}` });
    starts.set(s.file, list);
  }
  for (const list of starts.values()) list.sort((a, b) => a.line - b.line);
  const byStream = new Map<string, Diagnostic[]>();
  const unattributed: Diagnostic[] = [];
  for (const d of diagnostics) {
    if (d.severity !== 'error') continue;
    const owner = (starts.get(d.file) ?? []).filter((x) => x.line <= d.line).at(-1);
    if (!owner) {
      unattributed.push(d);
      continue;
    }
    const list = byStream.get(owner.key) ?? [];
    list.push(d);
    byStream.set(owner.key, list);
  }
  return { byStream, unattributed };
}
