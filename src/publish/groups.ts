// Splits a run's changes into publish groups: one per stream, or per config group, each with a stable branch
// name and the files it owns. Pure; the reconciler calls it and hands the result to publish().

import type { ConsumerChange, StreamChange } from '../plan/changes.js';
import { omitUndefined } from '../util/omit-undefined.js';
import type { PublishGroup, PullRequestExtras } from './publish.js';

/** A stream the run knows about (changed or not), with its lock file. */
export interface KnownStream {
  namespace: string;
  stream: string;
  lockFile: string;
}

/** A config group: streams given as `ns/stream`, `stream` (any namespace) or `ns/*`. */
export interface GroupRule {
  name: string;
  streams: string[];
  pr?: PullRequestExtras;
}

export interface GroupChangesOptions {
  /** Every stream, so that a stream whose upstream reverted still gets a group (and its PR closed). */
  streams: KnownStream[];
  changes: StreamChange[];
  consumers: ConsumerChange[];
  /**
   * Every consumer file with the tag it follows, changed in this run or not: a group's branch is rebuilt from the
   * base each run, so it must carry consumer files an earlier run already rewrote in the work tree.
   */
  consumerFiles?: { file: string; follows: string }[];
  /** Branch prefix, e.g. `imagestreams/`. */
  branchPrefix: string;
  groups?: GroupRule[];
}

/** Groups sorted by key; every known stream belongs to exactly one (the first matching rule, else its own). */
export function groupChanges(opts: GroupChangesOptions): PublishGroup[] {
  const out = new Map<string, Omit<PublishGroup, 'streams'> & { streams: Set<string> }>();
  const changeOf = new Map(opts.changes.map((c) => [`${c.namespace}/${c.stream}`, c]));
  const all = new Map<string, KnownStream>();
  for (const s of opts.streams) all.set(`${s.namespace}/${s.stream}`, s);
  for (const c of opts.changes) {
    const k = `${c.namespace}/${c.stream}`;
    if (!all.has(k)) all.set(k, { namespace: c.namespace, stream: c.stream, lockFile: c.lockFile });
  }
  for (const [id, s] of [...all.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const rule = (opts.groups ?? []).find((g) => g.streams.some((p) => streamMatches(p, s)));
    const key = rule ? rule.name : id;
    let g = out.get(key);
    if (!g) {
      g = {
        key,
        branch: branchName(opts.branchPrefix, rule ? `group/${rule.name}` : id),
        files: [],
        changes: [],
        consumers: [],
        streams: new Set(),
        ...omitUndefined({ pr: rule?.pr }),
      };
      out.set(key, g);
    }
    g.streams.add(id);
    g.files.push(s.lockFile);
    const change = changeOf.get(id);
    if (change && change.tags.length > 0) g.changes.push(change);
  }
  const groupOf = (follows: string) => {
    const id = follows.replace(/:[^:/]*$/, '');
    return [...out.values()].find((x) => x.streams.has(id));
  };
  for (const c of opts.consumers) {
    const g = groupOf(c.follows);
    if (!g) continue;
    g.consumers.push(c);
    g.files.push(c.file);
  }
  for (const c of opts.consumerFiles ?? []) groupOf(c.follows)?.files.push(c.file);
  return [...out.values()]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map(({ streams, ...g }) => ({
      ...g,
      streams: [...streams].sort(),
      files: [...new Set(g.files)].sort(),
    }));
}

/** Where republished-tag branches live: `<branchPrefix>republished/<namespace>/<stream>/<tag>`. */
export function republishedPrefix(branchPrefix: string): string {
  return `${branchPrefix}republished/`;
}

/** A valid, stable git branch name under `prefix` (git check-ref-format rules, conservatively). */
export function branchName(prefix: string, name: string): string {
  const clean = `${prefix}${name}`
    .split('/')
    .map((part) =>
      part
        .replace(/[^A-Za-z0-9._-]/g, '-')
        .replace(/\.{2,}/g, '.')
        .replace(/^\.+|\.+$/g, '')
        .replace(/\.lock$/i, '-lock'),
    )
    .filter((p) => p.length > 0)
    .join('/');
  return clean || 'imagestreams';
}

function streamMatches(pattern: string, s: KnownStream): boolean {
  if (pattern === `${s.namespace}/*`) return true;
  if (pattern.includes('/')) return pattern === `${s.namespace}/${s.stream}`;
  return pattern === s.stream;
}
