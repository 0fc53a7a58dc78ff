// Desired state vs lock: which imports to make, and the next lock of every stream once they are made (pure).

import { lockTagIndex, type PlatformImage, type StreamLock, type TagHistoryItem } from '../model/lock.js';
import { importIsInsecure } from '../model/stream.js';
import { type DueReason, dueReason } from '../policy/due.js';
import type { TagOutcome } from '../policy/history.js';
import { followTarget, imageTarget, importModeOf, type StreamLike, tagKey } from '../policy/tag-spec.js';
import type { StreamChange } from './changes.js';
import {
  applyFollowers,
  applyImports,
  applyPins,
  assembleLocks,
  lockBuilder,
  streamId,
  tagsOf,
} from './next-locks-phases.js';

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
  /**
   * What the tag pointed at when locked (the index of a multi-arch image, else the image), for a conditional
   * request: the media type when the lock records it, the platforms of an index.
   */
  current?: { digest: string; mediaType?: string; platforms?: PlatformImage[] };
}

/**
 * What a tag pointed at when `item` was locked: the item itself (a manifest, or an index kept whole), or the index
 * of a Legacy pick, whose own media type the lock does not record.
 */
export function pointedAt(item: TagHistoryItem): NonNullable<ImportRequest['current']> {
  const platforms = item.platforms?.length ? { platforms: item.platforms } : {};
  if (item.index && item.index !== item.image) return { digest: item.index, ...platforms };
  return { digest: item.image, ...(item.mediaType ? { mediaType: item.mediaType } : {}), ...platforms };
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

/** Decide which importable tags are due this run. */
export function planImports(streams: StreamState[], opts: PlanImportsOptions = {}): ImportRequest[] {
  const out: ImportRequest[] = [];
  for (const s of streams) {
    if (!streamSelected(s, opts.only)) continue;
    const lockTag = lockTagIndex(s.lock);
    for (const t of tagsOf(s)) {
      const key = tagKey(s.namespace, s.name, t.name);
      const locked = lockTag(t.name);
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
      if (current) {
        const index = current.index ?? current.image;
        req.locked = index === current.image ? [current.image] : [current.image, index];
      }
      if (current?.platforms?.length) {
        req.knownIndex = { digest: current.index ?? current.image, platforms: current.platforms };
      }
      if (current) req.current = pointedAt(current);
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

/**
 * Compute every stream's next lock from the import outcomes: registry tags first, then ImageStreamImage pins
 * (looked up in the named stream's history), then followers in dependency order so chains resolve in one run.
 */
export function computeNextLocks(
  streams: StreamState[],
  outcomes: ReadonlyMap<string, TagOutcome>,
  ctx: NextLocksContext,
): NextLocks {
  const b = lockBuilder(streams, ctx);
  applyImports(b, outcomes);
  const failedPins = applyPins(b);
  applyFollowers(b);
  return { ...assembleLocks(b), failedPins };
}
