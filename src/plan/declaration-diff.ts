// Which streams a pull request's declaration edits touch: streams added or edited between its merge base and its
// head, and streams it removed. Formatting and comments do not count; a stream moved to another file unchanged
// does not count either. Pure: the caller parses both sides.

/** A declared stream on one side of the comparison: `namespace/name` and its parsed object. */
export interface DeclaredStream {
  id: string;
  object: unknown;
}

/** What the pull request changed: streams to reconcile (added or edited) and streams whose lock goes away. */
export interface DeclarationDiff {
  changed: string[];
  removed: string[];
}

/** A value as canonical JSON (object keys sorted), so equal declarations compare equal whatever their layout. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Compares the streams of the changed declaration files at the base and at the head. `declaredAtHead` holds every
 * stream the head declares (any file), so a stream that only moved between files is neither changed nor removed.
 */
export function diffDeclarations(
  base: readonly DeclaredStream[],
  head: readonly DeclaredStream[],
  declaredAtHead: ReadonlySet<string>,
): DeclarationDiff {
  const before = new Map(base.map((s) => [s.id, canonicalJson(s.object)]));
  const after = new Map(head.map((s) => [s.id, canonicalJson(s.object)]));
  const changed = [...after].filter(([id, text]) => before.get(id) !== text).map(([id]) => id);
  const removed = [...before.keys()].filter((id) => !after.has(id) && !declaredAtHead.has(id));
  return { changed: changed.sort(), removed: removed.sort() };
}
