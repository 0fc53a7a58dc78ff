// The one way a command changes a stream tag's spec: `tag` (oc tag: the whole spec is replaced), `import --from`
// and `rollback` (the source changes, the rest stays) all go through here, so they clear the same stale fields:
// a `from.namespace` the new source does not have, and the note of where a rolled-back tag came from. Pure.

import type { EditOp, EditPath } from '../edit/yaml-edit.js';
import type { TagReference } from '../model/stream.js';

/** Annotation keeping the `from` a rolled-back tag had, so `imagestreams tag` can restore it. */
export const ROLLED_BACK_FROM = 'imagestreams.dev/rolled-back-from';

/** What a command does to one tag's spec. */
export interface TagSpecChange {
  from: { kind: string; name: string; namespace?: string };
  /**
   * Replace the whole spec, as `oc tag` does: every field not given in `fields` is removed (scheduled imports,
   * policies, annotations, generation).
   */
  replace?: boolean;
  /** Fields to set, relative to the tag, e.g. `{ importPolicy: { scheduled: true } }` (maps merge key by key). */
  fields?: Record<string, unknown>;
  /** Keep (or set) the rolled-back-from note; without it any existing note is removed. */
  rolledBackFrom?: string;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Ops turning `current` at `path` into `target` exactly, touching only what differs. */
function diffOps(path: EditPath, current: unknown, target: unknown, out: EditOp[]): void {
  if (
    isPlainObject(current) &&
    isPlainObject(target) &&
    Object.keys(current).length > 0 &&
    !Object.keys(current).some((k) => k in target)
  ) {
    // Emptying a mapping key by key would leave `key:` (null) to add to: write the new mapping whole.
    out.push({ op: 'delete', path }, { op: 'set', path, value: target });
    return;
  }
  if (isPlainObject(current) && isPlainObject(target)) {
    for (const k of Object.keys(current)) {
      if (!(k in target)) out.push({ op: 'delete', path: [...path, k] });
    }
    for (const [k, v] of Object.entries(target)) diffOps([...path, k], current[k], v, out);
    return;
  }
  if (!sameValue(current, target)) out.push({ op: 'set', path, value: target });
}

/** Ops merging `target` into `current` at `path` (keys not named stay). */
function mergeOps(path: EditPath, current: unknown, target: unknown, out: EditOp[]): void {
  if (isPlainObject(current) && isPlainObject(target)) {
    for (const [k, v] of Object.entries(target)) mergeOps([...path, k], current[k], v, out);
    return;
  }
  if (!sameValue(current, target)) out.push({ op: 'set', path, value: target });
}

/** The tag entry as the change describes it (for a tag that does not exist yet). */
export function newTag(name: string, change: TagSpecChange): TagReference {
  const tag: Record<string, unknown> = { name, from: { ...change.from } };
  if (change.rolledBackFrom !== undefined) tag.annotations = { [ROLLED_BACK_FROM]: change.rolledBackFrom };
  Object.assign(tag, change.fields ?? {});
  return tag as unknown as TagReference;
}

/** The edits (relative to the tag) that apply `change` to an existing tag. */
export function tagSpecEdits(existing: TagReference, change: TagSpecChange): EditOp[] {
  const ops: EditOp[] = [];
  const current = existing as unknown as Record<string, unknown>;
  // `from` is always replaced whole: a stale namespace never survives a new source.
  diffOps(['from'], current.from, change.from, ops);
  const annotations = { ...(existing.annotations ?? {}) } as Record<string, string>;
  if (change.rolledBackFrom !== undefined) annotations[ROLLED_BACK_FROM] = change.rolledBackFrom;
  else delete annotations[ROLLED_BACK_FROM];
  if (change.replace) {
    const target: Record<string, unknown> = { name: existing.name, from: change.from };
    if (change.rolledBackFrom !== undefined)
      target.annotations = { [ROLLED_BACK_FROM]: change.rolledBackFrom };
    Object.assign(target, change.fields ?? {});
    for (const k of Object.keys(current)) {
      if (k !== 'name' && k !== 'from' && !(k in target)) ops.push({ op: 'delete', path: [k] });
    }
    for (const [k, v] of Object.entries(target)) {
      if (k !== 'name' && k !== 'from') diffOps([k], current[k], v, ops);
    }
    return ops;
  }
  if (Object.keys(annotations).length === 0) {
    if (existing.annotations != null) ops.push({ op: 'delete', path: ['annotations'] });
  } else diffOps(['annotations'], current.annotations, annotations, ops);
  for (const [k, v] of Object.entries(change.fields ?? {})) mergeOps([k], current[k], v, ops);
  return ops;
}
