// The content of one group's pull request, as a function of the base branch and the group's desired state:
// the group's lock files and declaration edits as they are in the work tree, and in every consumer file the
// base's text with only the values that follow the group's stream tags set. Values that follow other groups
// stay as the base has them, so merging this PR alone never moves another group's image. Pure: texts in,
// texts and the structured change out.

import { applyConsumerPlan, findInFile, localLookupOf, planConsumerUpdates } from '../consumers/index.js';
import { lockLookup } from '../consumers/lock-lookup.js';
import { parseDeclarations } from '../loader/declarations.js';
import { parseLock } from '../loader/lock-file.js';
import type { LockTag, StreamLock } from '../model/lock.js';
import { serializeLock } from '../model/lock-format.js';
import {
  type DeclarationNote,
  declarationNotes,
  lockChanges,
  type StreamSides,
} from '../plan/branch-diff.js';
import type { ConsumerChange, StreamChange } from '../plan/changes.js';
import type { PinFormat } from '../plan/pull-spec.js';
import { mixLock, releaseNamedTags, republishedTagNames } from '../plan/republished-split.js';
import type { StreamLike } from '../policy/tag-spec.js';

/** One stream of the group. */
export interface GroupStream {
  namespace: string;
  stream: string;
  lockFile: string;
  /** Declaration file in the work tree. */
  declarationFile?: string;
}

/** Everything a group's content is computed from. */
export interface ComposeInput {
  streams: readonly GroupStream[];
  /** Declaration files this group carries (a file holding streams of several groups goes with one of them). */
  declarationFiles: readonly string[];
  /** Files that may hold consumers (found in the work tree); each is rewritten from its base text. */
  consumerFiles: readonly string[];
  /** Text of a path on the base branch; undefined where the base lacks it. */
  base: ReadonlyMap<string, string | undefined>;
  /** Desired text of lock and declaration files (the work tree after the run). */
  work: ReadonlyMap<string, string | undefined>;
  /** The work tree's locks of every stream, to name the source tag of a promotion. */
  allLocks?: ReadonlyMap<string, StreamLock>;
  /** The work tree's declarations of every stream, to follow tag chains to the upstream tag a pin names. */
  allDeclarations?: ReadonlyMap<string, StreamLike>;
  defaultNamespace: string;
  localRegistry?: string;
  /** How consumers are pinned (config `pinFormat`). */
  pinFormat?: PinFormat;
  /**
   * Republished tags (named like a release, digest moved, same source) get pull requests of their own:
   * `exclude` keeps them at the base's lock entry and their consumers at the base's value; a tag name composes
   * only that tag of the (one) stream, and nothing when it was not republished. Unset: every tag, as before.
   */
  republished?: 'exclude' | { tag: string };
}

/** One stream tag. */
export interface StreamTagRef {
  namespace: string;
  stream: string;
  tag: string;
}

/** What the group's branch holds beyond the base, and what that means. */
export interface ComposedGroup {
  /** Path → text, only for paths whose text differs from the base. */
  files: Map<string, string>;
  changes: StreamChange[];
  consumers: ConsumerChange[];
  notes: DeclarationNote[];
  /** With `republished: 'exclude'`: the tags left out because they were republished (for their own PRs). */
  republished: StreamTagRef[];
  /** With `republished: 'exclude'`: every release-named tag of the group's streams, base or branch side. */
  releaseTags: StreamTagRef[];
}

/** Every path composeGroup reads from the base (and, for locks and declarations, from the work tree). */
export function composePaths(
  input: Pick<ComposeInput, 'streams' | 'declarationFiles' | 'consumerFiles'>,
): string[] {
  const paths = new Set<string>();
  for (const s of input.streams) {
    paths.add(s.lockFile);
    if (s.declarationFile) paths.add(s.declarationFile);
  }
  for (const f of input.declarationFiles) paths.add(f);
  for (const f of input.consumerFiles) paths.add(f);
  return [...paths].sort();
}

function tryLock(text: string | undefined, file: string): StreamLock | undefined {
  if (text === undefined) return undefined;
  try {
    return parseLock(text, file);
  } catch {
    return undefined;
  }
}

/** The declaration of stream `s` in `file`'s text, if it declares it. */
function declaration(
  text: string | undefined,
  file: string,
  s: Pick<GroupStream, 'namespace' | 'stream'>,
  defaultNamespace: string,
): StreamLike | undefined {
  if (text === undefined) return undefined;
  const parsed = parseDeclarations(file, text, { defaultNamespace });
  return parsed.streams.find((d) => d.namespace === s.namespace && d.name === s.stream)?.object as
    | StreamLike
    | undefined;
}

/** The group's content against the base (see the file comment). */
export function composeGroup(input: ComposeInput): ComposedGroup {
  const files = new Map<string, string>();
  const ids = new Set(input.streams.map((s) => `${s.namespace}/${s.stream}`));
  const locks = new Map<string, StreamLock>();
  const declarations = new Map<string, StreamLike>();
  const sides: StreamSides[] = [];
  const republished: StreamTagRef[] = [];
  const releaseTags: StreamTagRef[] = [];
  /** Tags whose consumers stay as the base has them, per stream id. */
  const heldTags = new Map<string, (tag: string) => boolean>();

  for (const s of input.streams) {
    const id = `${s.namespace}/${s.stream}`;
    const have = input.base.get(s.lockFile);
    const baseLock = tryLock(have, s.lockFile);
    const split = splitLock(input.republished, baseLock, input.work.get(s.lockFile), s.lockFile);
    const { want, lock } = split;
    if (split.held) heldTags.set(id, split.held);
    const ref = (tag: string) => ({ namespace: s.namespace, stream: s.stream, tag });
    republished.push(...split.republished.map(ref));
    if (input.republished === 'exclude') releaseTags.push(...releaseNamedTags(baseLock, lock).map(ref));
    // A lock that does not parse in the work tree is never proposed (validate reports it).
    if (want !== undefined && want !== have && lock) files.set(s.lockFile, want);
    const side: StreamSides = { namespace: s.namespace, stream: s.stream, lockFile: s.lockFile };
    if (baseLock) side.baseLock = baseLock;
    const branchLock = lock ?? baseLock;
    if (branchLock) {
      side.lock = branchLock;
      locks.set(id, branchLock);
    }
    if (s.declarationFile) {
      const file = s.declarationFile;
      const parse = (text: string | undefined) => declaration(text, file, s, input.defaultNamespace);
      const b = parse(input.base.get(file));
      // A republished tag's own PR carries no declaration edit: it reads as the base declares it.
      const d = typeof input.republished === 'object' ? b : parse(input.work.get(file));
      if (d) {
        side.declaration = d;
        declarations.set(id, d);
      }
      if (b) side.baseDeclaration = b;
    }
    sides.push(side);
  }
  for (const f of input.declarationFiles) {
    const want = input.work.get(f);
    if (want !== undefined && want !== input.base.get(f)) files.set(f, want);
  }

  const everyDeclaration = new Map([...(input.allDeclarations ?? new Map()), ...declarations]);
  const lookup = lockLookup(locks, everyDeclaration, input.localRegistry, input.pinFormat);
  const shortNames = localLookupOf(everyDeclaration);
  const consumers: ConsumerChange[] = [];
  for (const path of [...new Set(input.consumerFiles)].sort()) {
    if (files.has(path)) continue; // a declaration file is never also rewritten as a consumer
    const text = input.base.get(path);
    if (text === undefined) continue; // not on the base: nothing of it can be proposed
    const found = findInFile(
      { path, text },
      { defaultNamespace: input.defaultNamespace, lookup: shortNames },
    );
    const ours = found.consumers.filter((c) => {
      const id = `${c.follows.namespace}/${c.follows.stream}`;
      return ids.has(id) && !heldTags.get(id)?.(c.follows.tag);
    });
    if (ours.length === 0) continue;
    const plan = planConsumerUpdates(ours, lookup);
    for (const f of applyConsumerPlan([{ path, text }], plan)) files.set(f.path, f.text);
    consumers.push(...plan.changes);
  }

  const allLocks = new Map([...(input.allLocks ?? new Map()), ...locks]);
  const changes = sides.map(lockChanges).filter((c): c is StreamChange => c !== undefined);
  const notes = sides.flatMap((s) => declarationNotes(s, allLocks));
  return { files, changes, consumers, notes, republished, releaseTags };
}

/**
 * The lock text and lock a branch proposes for one stream under `mode` (see ComposeInput.republished), the tags
 * split out, and which tags' consumers stay at the base.
 */
function splitLock(
  mode: ComposeInput['republished'],
  baseLock: StreamLock | undefined,
  text: string | undefined,
  file: string,
): {
  want: string | undefined;
  lock: StreamLock | undefined;
  republished: string[];
  held?: (tag: string) => boolean;
} {
  const lock = backAtBase(baseLock, tryLock(text, file));
  if (lock && mode && text !== undefined) text = serializeLock(lock);
  if (!mode || !lock) return { want: text, lock, republished: [] };
  const moved = republishedTagNames(baseLock, lock);
  if (mode === 'exclude') {
    if (moved.length === 0) return { want: text, lock, republished: [] };
    const mixed = mixLock(baseLock, lock, (t) => !moved.includes(t));
    return { want: serializeLock(mixed), lock: mixed, republished: moved, held: (t) => moved.includes(t) };
  }
  const held = (t: string) => t !== mode.tag;
  if (!moved.includes(mode.tag) || !baseLock)
    return { want: undefined, lock: baseLock, republished: [], held };
  const mixed = mixLock(baseLock, lock, (t) => t === mode.tag);
  return { want: serializeLock(mixed), lock: mixed, republished: [], held };
}

/**
 * `lock` with each tag that is back at the base's image (same image, same entry but for its history) set to the
 * base's entry: a proposal withdrawn upstream leaves nothing to merge, even when the run started from the PR
 * branch's lock (whose history still lists the withdrawn image).
 */
function backAtBase(baseLock: StreamLock | undefined, lock: StreamLock | undefined): StreamLock | undefined {
  if (!baseLock || !lock) return lock;
  const base = new Map(baseLock.status.tags.map((t) => [t.tag, t]));
  const rest = (t: LockTag) => JSON.stringify({ ...t, items: t.items[0]?.dockerImageReference });
  const back = new Set(
    lock.status.tags
      .filter((t) => {
        const b = base.get(t.tag);
        return b && b !== t && t.items[0]?.image === b.items[0]?.image && rest(t) === rest(b);
      })
      .map((t) => t.tag),
  );
  return back.size === 0 ? lock : mixLock(baseLock, lock, (t) => !back.has(t));
}
