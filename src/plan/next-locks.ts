// Desired state vs lock: which imports to make, and the next lock of every stream once they are made (pure).

import {
  LOCK_API_VERSION,
  LOCK_KIND,
  type LockTag,
  type PlatformImage,
  type StreamLock,
} from '../model/lock.js';
import { importIsInsecure } from '../model/stream.js';
import { type DueReason, dueReason } from '../policy/due.js';
import { type AppliedOutcome, applyOutcome, findInHistory, type TagOutcome } from '../policy/history.js';
import {
  followTarget,
  imageTarget,
  importModeOf,
  isImportable,
  type StreamLike,
  specKey,
  type TagSpecLike,
  tagKey,
} from '../policy/tag-spec.js';
import type { StreamChange, TagChange } from './changes.js';

/** One declared stream with its current lock (if any). */
export interface StreamState {
  namespace: string;
  name: string;
  /** Repository-relative path of the declaration file. */
  file: string;
  object: StreamLike;
  lock?: StreamLock;
  /** Repository-relative path of the stream's lock file. */
  lockFile: string;
}

/** One registry import the run must make. */
export interface ImportRequest {
  key: string;
  namespace: string;
  stream: string;
  tag: string;
  /** The pull spec to resolve (`from.name`). */
  from: string;
  importMode: 'Legacy' | 'PreserveOriginal';
  /** Neither the tag nor the config chose the mode (Legacy by default): a multi-arch source deserves a warning. */
  importModeDefaulted?: boolean;
  preferArch?: string;
  preferOs?: string;
  insecure: boolean;
  reason: DueReason;
  /** What the lock already knows of the current image's index (saves a GET when the index did not move). */
  knownIndex?: { digest: string; platforms: PlatformImage[] };
  /** Digests the lock holds for the tag's current image (image and index); any other is confirmed by hashing. */
  locked: string[];
}

/** Options of the import decision. */
export interface PlanImportsOptions {
  /** Keys (`ns/stream:tag`) forced by `imagestreams import`. */
  forced?: ReadonlySet<string>;
  /** Scheduled tags are due (every run in Action mode; the daemon passes a per-tag decision). */
  scheduledDue?: (key: string) => boolean;
  /** Only these streams (`ns/name` or `name`); all when empty. */
  only?: ReadonlySet<string>;
  /** The config's import mode for tags that set none. */
  defaultImportMode?: 'Legacy' | 'PreserveOriginal';
}

/** True when a stream is selected by `--stream` filters (`name` or `namespace/name`). */
export function streamSelected(s: { namespace: string; name: string }, only?: ReadonlySet<string>): boolean {
  return !only || only.size === 0 || only.has(s.name) || only.has(`${s.namespace}/${s.name}`);
}

/**
 * The selection `only` grown by every stream that follows a selected one (ImageStreamTag or ImageStreamImage,
 * across streams and namespaces, transitively), as `namespace/name` keys. A run limited to one stream (rollback,
 * tag, import, `--stream`) still settles the whole follower chain, so no follower's lock is left behind while its
 * consumers move. Undefined or empty `only` means every stream and is returned as is.
 */
export function withFollowers(
  streams: readonly Pick<StreamState, 'namespace' | 'name' | 'object'>[],
  only: ReadonlySet<string> | undefined,
): ReadonlySet<string> | undefined {
  if (!only || only.size === 0) return only;
  const selected = new Set(
    streams.filter((s) => streamSelected(s, only)).map((s) => streamId(s.namespace, s.name)),
  );
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of streams) {
      const id = streamId(s.namespace, s.name);
      if (selected.has(id)) continue;
      const follows = tagsOf(s).some((t) => {
        if (!t.from) return false;
        const target =
          t.from.kind === 'ImageStreamTag'
            ? followTarget(s.namespace, s.name, t.from)
            : t.from.kind === 'ImageStreamImage'
              ? imageTarget(s.namespace, t.from)
              : undefined;
        return target !== undefined && selected.has(streamId(target.namespace, target.stream));
      });
      if (follows) {
        selected.add(id);
        grew = true;
      }
    }
  }
  return selected;
}

function lockTagOf(lock: StreamLock | undefined, tag: string): LockTag | undefined {
  return lock?.status.tags.find((t) => t.tag === tag);
}

function tagsOf(s: Pick<StreamState, 'object'>): TagSpecLike[] {
  return s.object.spec?.tags ?? [];
}

/** Decide which importable tags are due this run. */
export function planImports(streams: StreamState[], opts: PlanImportsOptions = {}): ImportRequest[] {
  const out: ImportRequest[] = [];
  for (const s of streams) {
    if (!streamSelected(s, opts.only)) continue;
    for (const t of tagsOf(s)) {
      const key = tagKey(s.namespace, s.name, t.name);
      const locked = lockTagOf(s.lock, t.name);
      const reason = dueReason(t, locked, {
        forced: opts.forced?.has(key) ?? false,
        scheduledDue: opts.scheduledDue ? opts.scheduledDue(key) : true,
        ...(opts.defaultImportMode ? { defaultImportMode: opts.defaultImportMode } : {}),
      });
      if (!reason || !t.from) continue;
      const req: ImportRequest = {
        key,
        namespace: s.namespace,
        stream: s.name,
        tag: t.name,
        from: t.from.name,
        importMode: importModeOf(t, opts.defaultImportMode),
        insecure: importIsInsecure(s.object.metadata, t),
        reason,
        locked: [],
      };
      const arch = t.annotations?.['importer.image.openshift.io/prefer-arch'];
      const os = t.annotations?.['importer.image.openshift.io/prefer-os'];
      if (!t.importPolicy?.importMode && !opts.defaultImportMode) req.importModeDefaulted = true;
      if (arch) req.preferArch = arch;
      if (os) req.preferOs = os;
      const current = locked?.items[0];
      if (current) req.locked = [...new Set([current.image, current.index ?? current.image])];
      if (current?.platforms?.length) {
        req.knownIndex = { digest: current.index ?? current.image, platforms: current.platforms };
      }
      out.push(req);
    }
  }
  return out;
}

/** Context for computing next locks. */
export interface NextLocksContext {
  /** RFC 3339 time of this run. */
  now: string;
  historyLimit: number;
  /** The local registry host (for referencePolicy Local), recorded on the lock. */
  localRegistry?: string;
  /** The config's import mode for tags that set none (part of the spec recorded in the lock). */
  defaultImportMode?: 'Legacy' | 'PreserveOriginal';
}

/** The next lock of each stream and the changes that led there. */
export interface NextLocks {
  locks: Map<string, StreamLock>;
  changes: StreamChange[];
  /** ImageStreamImage pins whose image was not found (every run they fail, not only when the failure is new). */
  failedPins: { key: string; reason: string; message: string }[];
}

const streamId = (ns: string, name: string) => `${ns}/${name}`;

/**
 * Compute every stream's next lock from the import outcomes: registry tags first, then ImageStreamImage pins
 * (looked up in the named stream's history), then followers in dependency order so chains resolve in one run.
 */
export function computeNextLocks(
  streams: StreamState[],
  outcomes: ReadonlyMap<string, TagOutcome>,
  ctx: NextLocksContext,
): NextLocks {
  const byId = new Map(streams.map((s) => [streamId(s.namespace, s.name), s]));
  const next = new Map<string, LockTag>(); // tagKey -> new lock tag
  const changeOf = new Map<string, TagChange>();
  const specOf = new Map<string, { s: StreamState; t: TagSpecLike }>();
  for (const s of streams)
    for (const t of tagsOf(s)) specOf.set(tagKey(s.namespace, s.name, t.name), { s, t });

  const record = (key: string, s: StreamState, t: TagSpecLike, applied: AppliedOutcome, source: string) => {
    next.set(key, applied.tag);
    if (!applied.change) return;
    const prev = lockTagOf(s.lock, t.name);
    const change: TagChange = {
      namespace: s.namespace,
      stream: s.name,
      tag: t.name,
      kind: applied.change,
      source,
    };
    if (applied.change === 'failed') {
      const c = applied.tag.conditions?.[0];
      if (c) change.error = { reason: c.reason, message: c.message };
    } else {
      const to = applied.tag.items[0];
      if (to) change.to = to;
      const from = prev?.items[0];
      if (from) change.from = from;
      if (
        t.from?.kind === 'ImageStreamImage' &&
        to &&
        prev?.items.slice(1).some((i) => i.image === to.image)
      ) {
        change.kind = 'rollback';
      }
    }
    changeOf.set(key, change);
  };
  const genOf = (t: TagSpecLike, prev: LockTag | undefined, changed: boolean): number => {
    if (typeof t.generation === 'number') return t.generation;
    const last = prev?.items[0]?.generation ?? 0;
    return changed || !prev ? last + 1 : last;
  };
  const apply = (s: StreamState, t: TagSpecLike, outcome: TagOutcome, imported: boolean) => {
    const prev = lockTagOf(s.lock, t.name);
    const key = specKey(t, ctx.defaultImportMode);
    const changed = prev?.spec !== key;
    return applyOutcome(prev, t.name, outcome, {
      now: ctx.now,
      generation: genOf(t, prev, changed),
      spec: key,
      observedGeneration: imported ? (t.generation ?? null) : undefined,
      historyLimit: ctx.historyLimit,
    });
  };

  // Phase 1: registry imports (or the unchanged lock for tags not due).
  for (const s of streams) {
    for (const t of tagsOf(s)) {
      const key = tagKey(s.namespace, s.name, t.name);
      if (!isImportable(t)) continue;
      const outcome = outcomes.get(key);
      if (outcome) record(key, s, t, apply(s, t, outcome, outcome.ok), t.from!.name);
      else {
        const prev = lockTagOf(s.lock, t.name);
        if (prev) next.set(key, prev);
      }
    }
  }
  // Phase 2: ImageStreamImage pins, looked up in the target stream's history (new and previous items).
  const failedPins: NextLocks['failedPins'] = [];
  for (const s of streams) {
    for (const t of tagsOf(s)) {
      if (t.from?.kind !== 'ImageStreamImage' || t.reference) continue;
      const key = tagKey(s.namespace, s.name, t.name);
      const target = imageTarget(s.namespace, t.from);
      let outcome: TagOutcome;
      if (!target) {
        outcome = { ok: false, reason: 'InvalidImageName', message: `"${t.from.name}" is not stream@digest` };
      } else {
        const id = streamId(target.namespace, target.stream);
        const tags = historyTags(byId.get(id), next);
        const found = findInHistory(tags, target.digest);
        outcome =
          'item' in found
            ? { ok: true, item: stripItem(found.item) }
            : {
                ok: false,
                reason: found.error === 'ambiguous' ? 'AmbiguousImage' : 'NotFound',
                message:
                  found.error === 'ambiguous'
                    ? `digest prefix ${target.digest} matches ${found.candidates.length} images in ${id}; give more characters`
                    : `no image ${target.digest} in the history of ${id}`,
              };
      }
      if (!outcome.ok) failedPins.push({ key, reason: outcome.reason, message: outcome.message });
      record(key, s, t, apply(s, t, outcome, outcome.ok), t.from.name);
    }
  }
  // Phase 3: followers, resolved depth-first so a chain of any length settles in this run.
  const visiting = new Set<string>();
  const resolveFollower = (key: string): LockTag | undefined => {
    if (next.has(key)) return next.get(key);
    const entry = specOf.get(key);
    if (!entry) return undefined;
    const { s, t } = entry;
    if (t.from?.kind !== 'ImageStreamTag' || t.reference) return lockTagOf(s.lock, t.name);
    if (visiting.has(key)) return undefined;
    visiting.add(key);
    const target = followTarget(s.namespace, s.name, t.from);
    const targetKey = target ? tagKey(target.namespace, target.stream, target.tag) : undefined;
    const targetLock = targetKey ? resolveFollower(targetKey) : undefined;
    visiting.delete(key);
    const current = targetLock?.items[0];
    let outcome: TagOutcome;
    if (current) outcome = { ok: true, item: stripItem(current) };
    else if (!targetKey || !specOf.has(targetKey)) {
      outcome = { ok: false, reason: 'NotFound', message: `followed tag ${t.from.name} does not exist` };
    } else {
      outcome = { ok: false, reason: 'NotImported', message: `followed tag ${targetKey} has no image yet` };
    }
    const applied = apply(s, t, outcome, outcome.ok);
    record(key, s, t, applied, t.from.name);
    const change = changeOf.get(key);
    if (change && targetKey) change.follows = targetKey;
    return applied.tag;
  };
  for (const key of specOf.keys()) {
    const { t } = specOf.get(key)!;
    if (t.from?.kind === 'ImageStreamTag' && !t.reference) resolveFollower(key);
  }

  // Assemble locks in spec order (tags sorted by name for canonical output).
  const locks = new Map<string, StreamLock>();
  const changes: StreamChange[] = [];
  for (const s of streams) {
    const tags: LockTag[] = [];
    for (const t of tagsOf(s)) {
      const lt = next.get(tagKey(s.namespace, s.name, t.name));
      if (lt) tags.push(lt);
    }
    tags.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
    const lock: StreamLock = {
      apiVersion: LOCK_API_VERSION,
      kind: LOCK_KIND,
      metadata: { name: s.name, namespace: s.namespace },
      status: { tags },
    };
    if (ctx.localRegistry)
      lock.status.dockerImageRepository = `${ctx.localRegistry}/${s.namespace}/${s.name}`;
    locks.set(streamId(s.namespace, s.name), lock);
    const tagChanges = tagsOf(s)
      .map((t) => changeOf.get(tagKey(s.namespace, s.name, t.name)))
      .filter((c): c is TagChange => c !== undefined);
    if (tagChanges.length > 0) {
      changes.push({ namespace: s.namespace, stream: s.name, lockFile: s.lockFile, tags: tagChanges });
    }
  }
  return { locks, changes, failedPins };
}

function historyTags(s: StreamState | undefined, next: Map<string, LockTag>): LockTag[] {
  if (!s) return [];
  const out: LockTag[] = [];
  for (const t of tagsOf(s)) {
    const n = next.get(tagKey(s.namespace, s.name, t.name));
    if (n) out.push(n);
  }
  for (const t of s.lock?.status.tags ?? []) out.push(t);
  return out;
}

function stripItem(i: LockTag['items'][number]) {
  const { created: _c, generation: _g, ...rest } = i;
  return rest;
}
