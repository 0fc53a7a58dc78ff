// The content of one group's pull request, as a function of the base branch and the group's desired state:
// the group's lock files and declaration edits as they are in the work tree, and in every consumer file the
// base's text with only the values that follow the group's stream tags set. Values that follow other groups
// stay as the base has them, so merging this PR alone never moves another group's image. Pure: texts in,
// texts and the structured change out.

import { applyConsumerPlan, findInFile, localLookupOf, planConsumerUpdates } from '../consumers/index.js';
import { lockLookup } from '../consumers/lock-lookup.js';
import { parseDeclarations } from '../loader/declarations.js';
import { parseLock } from '../loader/lock-file.js';
import type { StreamLock } from '../model/lock.js';
import {
  type DeclarationNote,
  declarationNotes,
  lockChanges,
  type StreamSides,
} from '../plan/branch-diff.js';
import type { ConsumerChange, StreamChange } from '../plan/changes.js';
import type { PinFormat } from '../plan/pull-spec.js';
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
}

/** What the group's branch holds beyond the base, and what that means. */
export interface ComposedGroup {
  /** Path → text, only for paths whose text differs from the base. */
  files: Map<string, string>;
  changes: StreamChange[];
  consumers: ConsumerChange[];
  notes: DeclarationNote[];
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

  for (const s of input.streams) {
    const id = `${s.namespace}/${s.stream}`;
    const want = input.work.get(s.lockFile);
    const have = input.base.get(s.lockFile);
    const lock = tryLock(want, s.lockFile);
    // A lock that does not parse in the work tree is never proposed (validate reports it).
    if (want !== undefined && want !== have && lock) files.set(s.lockFile, want);
    const side: StreamSides = { namespace: s.namespace, stream: s.stream, lockFile: s.lockFile };
    const baseLock = tryLock(have, s.lockFile);
    if (baseLock) side.baseLock = baseLock;
    const branchLock = lock ?? baseLock;
    if (branchLock) {
      side.lock = branchLock;
      locks.set(id, branchLock);
    }
    if (s.declarationFile) {
      const file = s.declarationFile;
      const parse = (text: string | undefined) => declaration(text, file, s, input.defaultNamespace);
      const d = parse(input.work.get(file));
      const b = parse(input.base.get(file));
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
    const ours = found.consumers.filter((c) => ids.has(`${c.follows.namespace}/${c.follows.stream}`));
    if (ours.length === 0) continue;
    const plan = planConsumerUpdates(ours, lookup);
    for (const f of applyConsumerPlan([{ path, text }], plan)) files.set(f.path, f.text);
    consumers.push(...plan.changes);
  }

  const allLocks = new Map([...(input.allLocks ?? new Map()), ...locks]);
  const changes = sides.map(lockChanges).filter((c): c is StreamChange => c !== undefined);
  const notes = sides.flatMap((s) => declarationNotes(s, allLocks));
  return { files, changes, consumers, notes };
}
