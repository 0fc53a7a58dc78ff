// What tag selection policies chose, applied to the run (pure): the declarations the run imports from, the
// selection state each lock records, and which declarations to edit. The choosing is src/policy/tag-selection.ts;
// listing tags is the registry edge's (src/registry/tags.ts).

import type { StreamLock } from '../model/lock.js';
import type { StreamState } from './next-locks.js';

/** One policy tag's choice in this run. */
export interface SelectionRecord {
  namespace: string;
  stream: string;
  tag: string;
  /** The policy in one line. */
  policy: string;
  /** `from.name` as declared, and its tag. */
  declared: string;
  declaredTag: string;
  /** The tag the policy chose and the `from.name` that follows it (= declared when unchanged). */
  chosen: string;
  from: string;
  firstSeen?: Record<string, string>;
}

/** `from.name` with its tag replaced (the registry and repository exactly as written). */
export function withTag(name: string, tag: string): string {
  const slash = name.lastIndexOf('/');
  const colon = name.indexOf(':', slash + 1);
  return `${colon < 0 ? name : name.slice(0, colon)}:${tag}`;
}

/** The tag of a digest-less `from.name` (`latest` when it names none). */
export function tagOf(name: string): string {
  const slash = name.lastIndexOf('/');
  const colon = name.indexOf(':', slash + 1);
  return colon < 0 ? 'latest' : name.slice(colon + 1);
}

/** The stream states with each moved policy tag's `from.name` set to the chosen tag (copies; inputs untouched). */
export function withSelectedFrom(states: StreamState[], records: readonly SelectionRecord[]): StreamState[] {
  const moved = new Map(
    records.filter((r) => r.from !== r.declared).map((r) => [`${r.namespace}/${r.stream}:${r.tag}`, r]),
  );
  if (moved.size === 0) return states;
  return states.map((s) => {
    const tags = s.object.spec?.tags;
    if (!tags?.some((t) => moved.has(`${s.namespace}/${s.name}:${t.name}`))) return s;
    const next = tags.map((t) => {
      const r = moved.get(`${s.namespace}/${s.name}:${t.name}`);
      return r && t.from ? { ...t, from: { ...t.from, name: r.from } } : t;
    });
    return { ...s, object: { ...s.object, spec: { ...s.object.spec, tags: next } } };
  });
}

/**
 * Record each selection in its tag's lock (new objects, never the loaded ones). A moved choice whose import
 * failed keeps the previous selection's tag (the lock still holds the previous image) with the new ledger, and is
 * returned in `rejected`: its declaration is not edited, so the next run tries again.
 */
export function recordSelections(
  locks: Map<string, StreamLock>,
  records: readonly SelectionRecord[],
  /** Keys whose new digest is soaking: a moved choice waits with it. */
  held: ReadonlySet<string> = new Set(),
): { accepted: SelectionRecord[]; rejected: SelectionRecord[] } {
  const accepted: SelectionRecord[] = [];
  const rejected: SelectionRecord[] = [];
  for (const r of records) {
    const lock = locks.get(`${r.namespace}/${r.stream}`);
    const i = lock?.status.tags.findIndex((t) => t.tag === r.tag) ?? -1;
    if (!lock || i < 0) {
      rejected.push(r);
      continue;
    }
    const lt = lock.status.tags[i]!;
    const failed = lt.conditions?.some((c) => c.type === 'ImportSuccess' && c.status === 'False');
    const ok = r.from === r.declared || (!failed && !held.has(`${r.namespace}/${r.stream}:${r.tag}`));
    const tag = ok ? r.chosen : (lt.selection?.tag ?? r.declaredTag);
    const selection = { policy: r.policy, tag, ...(r.firstSeen ? { firstSeen: r.firstSeen } : {}) };
    lock.status.tags[i] = { ...lt, selection };
    (ok ? accepted : rejected).push(r);
  }
  return { accepted, rejected };
}

/** The declaration edits of accepted moved choices: `from.name` set to the chosen tag. */
export function selectionEdits(accepted: readonly SelectionRecord[]): {
  namespace: string;
  stream: string;
  tag: string;
  ops: { op: 'set'; path: string[]; value: string }[];
}[] {
  return accepted
    .filter((r) => r.from !== r.declared)
    .map((r) => ({
      namespace: r.namespace,
      stream: r.stream,
      tag: r.tag,
      ops: [{ op: 'set', path: ['from', 'name'], value: r.from }],
    }));
}
