// A problem found in a file, with the exact position: what validate prints and Actions annotate.

import { type ErrorCode, hintFor } from './error-codes.js';

/** 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** One finding. `code` is stable (match on it); `message` names the fix. */
export interface Diagnostic {
  /** Repository-relative (or as given) path, `/`-separated. */
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  message: string;
  code: ErrorCode;
  severity: 'error' | 'warning';
  /** How to fix it, when it says more than the message (the catalogue's hint for the code: `hintFor`). */
  hint?: string;
}

/** `file:line:column: message` (warnings say so), the one text form of a diagnostic. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
}

/** Stable order: by file, then position, then code. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

/** True when any diagnostic is an error (warnings never fail a run). */
export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** Diagnostics as `--json` prints them: each with its hint (its own, else the catalogue's for its code). */
export function withHints<D extends { code: ErrorCode; hint?: string }>(
  diags: readonly D[],
): (D & { hint: string })[] {
  return diags.map((d) => ({ ...d, hint: d.hint ?? hintFor(d.code) }));
}

/**
 * A Diagnostic in the line-only form the consumer finders report (and `verify --json` prints): no column, an error
 * unless `severity` says warning, the object it is in; the message may start with `file:line: `.
 */
export type ConsumerDiagnostic = Pick<Diagnostic, 'code' | 'file' | 'line' | 'message' | 'hint'> & {
  /** Default error; a warning does not fail a run (e.g. a trigger the cluster will not honour). */
  severity?: 'warning';
  /** e.g. `Deployment/web`, when the problem is inside an object. */
  object?: string;
};

/** A consumer problem in the full Diagnostic form (for `validate` output and Action annotations). */
export function fromConsumerDiagnostic(d: ConsumerDiagnostic): Diagnostic {
  const prefix = `${d.file}:${d.line}: `;
  const message = d.message.startsWith(prefix) ? d.message.slice(prefix.length) : d.message;
  return { file: d.file, line: d.line, column: 1, code: d.code, severity: d.severity ?? 'error', message };
}
