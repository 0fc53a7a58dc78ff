// What a pull request changes, computed from the base branch's locks and declarations and the branch's (never
// from what one run happened to import), so its title, body and commit message describe exactly its diff. Pure.

import type { LockTag, StreamLock } from '../model/lock.js';
import { ROLLED_BACK_FROM } from '../policy/tag-edit.js';
import { followTarget, imageTarget, type StreamLike, type TagSpecLike, tagKey } from '../policy/tag-spec.js';
import type { StreamChange, TagChange } from './changes.js';
import {
  type MissingPlatformNote,
  missingPlatformNote,
  type SelectionNote,
  type SoakingNote,
  selectionNote,
  soakingNote,
} from './selection-note.js';

/** One declaration edit a branch carries, as a reviewer should read it. */
export type DeclarationNote =
  | { kind: 'rolled-back'; tag: string; from?: string; to?: string; followAgain?: string }
  | { kind: 'promoted'; tag: string; source: string; digest?: string }
  | { kind: 'repointed'; tag: string; was: string; now: string }
  | SelectionNote
  | SoakingNote
  | MissingPlatformNote
  | { kind: 'added'; tag: string; now: string }
  | { kind: 'removed'; tag: string; was: string };

/** A stream on both sides of the diff; undefined where the side lacks it. */
export interface StreamSides {
  namespace: string;
  stream: string;
  lockFile: string;
  baseLock?: StreamLock;
  lock?: StreamLock;
  baseDeclaration?: StreamLike;
  declaration?: StreamLike;
}

function lockTag(lock: StreamLock | undefined, tag: string): LockTag | undefined {
  return lock?.status.tags.find((t) => t.tag === tag);
}

function failure(t: LockTag | undefined): { reason: string; message: string } | undefined {
  const c = t?.conditions?.find((x) => x.type === 'ImportSuccess' && x.status === 'False');
  return c ? { reason: c.reason, message: c.message } : undefined;
}

/** The tag changes between two lock states of one stream (empty when the current images and failures agree). */
export function lockChanges(s: StreamSides): StreamChange | undefined {
  if (!s.lock) return undefined;
  const specs = new Map((s.declaration?.spec?.tags ?? []).map((t) => [t.name, t]));
  const tags: TagChange[] = [];
  for (const t of s.lock.status.tags) {
    const before = lockTag(s.baseLock, t.tag);
    const now = t.items[0];
    const was = before?.items[0];
    const spec = specs.get(t.tag);
    const base: Omit<TagChange, 'kind'> = {
      namespace: s.namespace,
      stream: s.stream,
      tag: t.tag,
      source: spec?.from?.name ?? '',
    };
    const follows = followsOf(s.namespace, s.stream, spec);
    if (follows) base.follows = follows;
    if (now && now.image !== was?.image) {
      const rollback = before?.items.slice(1).some((i) => i.image === now.image) ?? false;
      tags.push({
        ...base,
        kind: !was ? 'new' : rollback ? 'rollback' : 'moved',
        to: now,
        ...(was ? { from: was } : {}),
      });
      continue;
    }
    const failed = failure(t);
    const wasFailed = failure(before);
    if (failed && (failed.reason !== wasFailed?.reason || failed.message !== wasFailed?.message)) {
      tags.push({ ...base, kind: 'failed', error: failed, ...(was ? { from: was } : {}) });
    }
  }
  return tags.length > 0
    ? { namespace: s.namespace, stream: s.stream, lockFile: s.lockFile, tags }
    : undefined;
}

function followsOf(ns: string, stream: string, spec: TagSpecLike | undefined): string | undefined {
  if (spec?.from?.kind !== 'ImageStreamTag') return undefined;
  const t = followTarget(ns, stream, spec.from);
  return t ? tagKey(t.namespace, t.stream, t.tag) : undefined;
}

/** `Kind name` of a tag's source, with a namespace when it names one. */
export function describeFrom(t: TagSpecLike | undefined): string {
  if (!t?.from) return '(no source)';
  const ns = t.from.namespace ? `${t.from.namespace}/` : '';
  return `${t.from.kind} ${ns}${t.from.name}`;
}

function sameFrom(a: TagSpecLike, b: TagSpecLike): boolean {
  return (
    a.from?.kind === b.from?.kind &&
    a.from?.name === b.from?.name &&
    (a.from?.namespace ?? '') === (b.from?.namespace ?? '')
  );
}

/**
 * The declaration edits of one stream between base and branch: rollbacks (with how to follow upstream again),
 * promotions (an image of another stream copied in, named by the source tag that has it now when one does),
 * re-pointed, added and removed tags. `locks` are the branch's locks of every stream, to name promotion sources.
 */
export function declarationNotes(s: StreamSides, locks: ReadonlyMap<string, StreamLock>): DeclarationNote[] {
  if (!s.declaration) return [];
  const notes: DeclarationNote[] = [];
  const before = new Map((s.baseDeclaration?.spec?.tags ?? []).map((t) => [t.name, t]));
  const after = s.declaration.spec?.tags ?? [];
  for (const t of after) {
    const tag = tagKey(s.namespace, s.stream, t.name);
    const old = before.get(t.name);
    if (old && sameFrom(old, t)) continue;
    const current = lockTag(s.lock, t.name)?.items[0]?.image;
    const upstream = t.annotations?.[ROLLED_BACK_FROM];
    const pin = t.from?.kind === 'ImageStreamImage' ? imageTarget(s.namespace, t.from) : undefined;
    if (pin && upstream && pin.namespace === s.namespace && pin.stream === s.stream) {
      const from = lockTag(s.baseLock, t.name)?.items[0]?.image;
      notes.push({
        kind: 'rolled-back',
        tag,
        ...(from ? { from } : {}),
        ...(current ? { to: current } : {}),
        ...followAgain(upstream, tag),
      });
    } else if (pin && (pin.namespace !== s.namespace || pin.stream !== s.stream)) {
      const source =
        sourceTagHolding(locks, pin.namespace, pin.stream, current) ?? `${pin.namespace}/${pin.stream}`;
      notes.push({ kind: 'promoted', tag, source, ...(current ? { digest: current } : {}) });
    } else if (old) {
      notes.push(
        selectionNote(tag, lockTag(s.baseLock, t.name), lockTag(s.lock, t.name)) ?? {
          kind: 'repointed',
          tag,
          was: describeFrom(old),
          now: describeFrom(t),
        },
      );
    } else {
      notes.push({ kind: 'added', tag, now: describeFrom(t) });
    }
  }
  for (const lt of s.lock?.status.tags ?? []) {
    const key = tagKey(s.namespace, s.stream, lt.tag);
    const n =
      soakingNote(key, lockTag(s.baseLock, lt.tag), lt) ??
      missingPlatformNote(key, lockTag(s.baseLock, lt.tag), lt);
    if (n) notes.push(n);
  }
  const kept = new Set(after.map((t) => t.name));
  for (const [name, old] of before) {
    if (!kept.has(name))
      notes.push({ kind: 'removed', tag: tagKey(s.namespace, s.stream, name), was: describeFrom(old) });
  }
  return notes;
}

/** The `imagestreams …` arguments that point a rolled-back tag at its previous source (kept by rollback) again. */
function followAgain(annotation: string, tag: string): { followAgain?: string } {
  try {
    const v = JSON.parse(annotation) as { kind?: unknown; name?: unknown };
    if (typeof v.name !== 'string' || !/^[\w.:/@-]+$/.test(v.name)) return {};
    const source = v.kind === 'DockerImage' ? ' --source docker' : '';
    return { followAgain: `tag ${v.name} ${tag}${source}` };
  } catch {
    return {};
  }
}

/** `ns/stream:tag` of the first tag (by name) of a stream whose current image is `digest`. */
function sourceTagHolding(
  locks: ReadonlyMap<string, StreamLock>,
  ns: string,
  stream: string,
  digest: string | undefined,
): string | undefined {
  if (!digest) return undefined;
  const lock = locks.get(`${ns}/${stream}`);
  const hit = lock?.status.tags.find((t) => t.items[0]?.image === digest);
  return hit ? tagKey(ns, stream, hit.tag) : undefined;
}
