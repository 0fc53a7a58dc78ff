// load → decide which tags are due → resolve them → compute the next locks → write only what changed.
// Everything it touches arrives as a dependency, so it runs the same from the CLI, the Action and the daemon.

import type { PendingImage, StreamLock } from '../model/lock.js';
import type { ImageMetadata, StreamChange } from '../plan/changes.js';
import {
  computeNextLocks,
  type ImportRequest,
  planImports,
  type StreamState,
  streamSelected,
  withFollowers,
} from '../plan/next-locks.js';
import { recordSelections, type SelectionRecord } from '../plan/selections.js';
import type { TagOutcome } from '../policy/history.js';
import { holdMissingPlatforms } from '../policy/required-platforms.js';
import { holdSoaking, recordPending, soakTags } from '../policy/soak.js';
import { splitTagKey } from '../policy/tag-spec.js';
import type { Logger } from '../util/logger.js';
import { mapLimit } from '../util/map-limit.js';

/** What an import made of one request: an image, or a failure with a reason (never a thrown error). */
export type ImportResult =
  | {
      ok: true;
      item: Extract<TagOutcome, { ok: true }>['item'];
      metadata?: ImageMetadata;
    }
  | { ok: false; reason: string; message: string; temporary?: boolean; skipped?: boolean };

/** Progress counters, reported as imports complete. */
export interface ReconcileProgress {
  due: number;
  done: number;
  failed: number;
}

/** The dependencies of a reconcile run. */
export interface ReconcileDeps {
  /** Declarations with their current locks, after validation. */
  streams: StreamState[];
  historyLimit: number;
  localRegistry?: string;
  /** The config's import mode for tags that set none. */
  defaultImportMode?: 'Legacy' | 'PreserveOriginal';
  importTag: (req: ImportRequest) => Promise<ImportResult>;
  /** The canonical text of a lock. */
  serializeLock: (lock: StreamLock) => string;
  /**
   * Throws when `text`, the text of `lock` about to be written, is not a lock the next run could read: called for
   * every lock that changed before the first is written (unchanged locks are not written, so not checked).
   */
  checkLock?: (lock: StreamLock, text: string) => void;
  /** Current bytes of a repository-relative file, undefined when absent. */
  readFile: (path: string) => Promise<string | undefined>;
  /** Atomic write of a repository-relative file. */
  writeFile: (path: string, text: string) => Promise<void>;
  now: () => Date;
  logger: Logger;
  onProgress?: (p: ReconcileProgress) => void;
  /** Imports in flight at once (the registry client also bounds per registry). */
  concurrency?: number;
  /** Labels of a previous image (`repo@digest`), for PR bodies that link old and new revisions. */
  fetchMetadata?: (dockerImageReference: string) => Promise<ImageMetadata | undefined>;
  /** What tag selection policies chose (src/app/select-tags.ts), recorded in the locks. */
  selections?: readonly SelectionRecord[];
}

/** Which streams and tags a run touches. */
export interface StreamSelection {
  /** Only these streams (`namespace/name`) are imported; their followers settle with them. */
  only?: ReadonlySet<string>;
  /** Tags (`namespace/stream:tag`) imported now whatever their schedule says (import, daemon pushes). */
  forced?: ReadonlySet<string>;
  /** Whether a scheduled tag is due (default: every one is). */
  scheduledDue?: (key: string) => boolean;
}

/** What the caller asked for. */
export interface ReconcileOptions extends StreamSelection {
  dryRun?: boolean;
}

/** Structured result, from which every output (text, JSON, PR body, summary) is rendered. */
export interface ReconcileResult {
  imports: (ImportRequest & { result: ImportResult })[];
  changes: StreamChange[];
  /** Lock files whose bytes changed (written unless dry-run; their text is on disk, not held). */
  lockFiles: { path: string }[];
  locks: Map<string, StreamLock>;
  /** Imports that failed (failed pins are counted in `failedPins`). */
  failed: number;
  /** Imports not attempted because their registry stopped answering (rate limit). */
  skipped: number;
  /** ImageStreamImage pins of the selected streams whose image is not in the named stream's history. */
  failedPins: { key: string; reason: string; message: string }[];
  dryRun: boolean;
  /** The run's time (RFC 3339, seconds): the `created` of every image first seen in this run. */
  now: string;
  /** Policy choices recorded in the locks; `rejected`: a moved choice whose import failed (declaration kept). */
  selections?: ReturnType<typeof recordSelections>;
  /** New digests held back by a minimum-age, with when each becomes eligible. */
  soaking?: (PendingImage & { key: string })[];
  /** New digests held back because they lack a required platform (`imagestreams.dev/required-platforms`). */
  missingPlatforms?: (PendingImage & { key: string })[];
}

/** An import request with what became of it. */
type Imported = ImportRequest & { result: ImportResult };

/** One reconcile pass over the given streams: plan, import, compute the next locks, write those that changed. */
export async function reconcile(deps: ReconcileDeps, opts: ReconcileOptions = {}): Promise<ReconcileResult> {
  const planOpts: Parameters<typeof planImports>[1] = {};
  if (opts.forced) planOpts.forced = opts.forced;
  if (opts.only) planOpts.only = opts.only;
  if (opts.scheduledDue) planOpts.scheduledDue = opts.scheduledDue;
  if (deps.defaultImportMode) planOpts.defaultImportMode = deps.defaultImportMode;
  const results = await importAll(deps, planImports(deps.streams, planOpts));

  const runTime = isoSeconds(deps.now());
  const ctx: Parameters<typeof computeNextLocks>[2] = {
    now: runTime,
    historyLimit: deps.historyLimit,
  };
  if (deps.localRegistry) ctx.localRegistry = deps.localRegistry;
  if (deps.defaultImportMode) ctx.defaultImportMode = deps.defaultImportMode;
  const outcomes = outcomesOf(results);
  // Required platforms, then soak: a new digest lacking a required platform, or not yet seen for its tag's
  // minimum-age, is held back (recorded as pending in the lock); a first import lacking a platform fails.
  const gated = soakTags(deps.streams);
  const platforms = holdMissingPlatforms(gated, outcomes, runTime);
  for (const r of results) {
    const f = platforms.failed.get(r.key);
    if (f) r.result = { ok: false, ...f };
  }
  const soak = holdSoaking(gated, outcomes, runTime);
  const { locks, changes, failedPins: allFailedPins } = computeNextLocks(deps.streams, outcomes, ctx);
  const keyOf = (l: StreamLock, tag: string) => `${l.metadata.namespace}/${l.metadata.name}:${tag}`;
  recordPending(locks, platforms, keyOf);
  recordPending(locks, soak, keyOf);
  for (const [key, p] of platforms.pending) deps.logger.warn(`${key}: ${p.image} held back: ${p.message}`);
  for (const [key, f] of platforms.failed) deps.logger.error(`${key}: ${f.message}`);
  for (const [key, p] of soak.pending) deps.logger.info(`${key}: ${p.image} soaking: ${p.message}`);
  const selections = deps.selections
    ? recordSelections(locks, deps.selections, new Set(soak.pending.keys()))
    : undefined;
  const failedPins = allFailedPins.filter((p) => {
    const k = splitTagKey(p.key);
    return streamSelected({ namespace: k.namespace, name: k.stream }, opts.only);
  });
  await attachMetadata(deps, results, changes);

  // Imports are limited to the selection; locks are written for it and for every stream following it.
  const settled = withFollowers(deps.streams, opts.only);
  const lockFiles = await settleLocks(deps, locks, settled);
  if (!opts.dryRun) {
    // Serialised again rather than held: every text of a 10,000-tag run is about 6 MB kept to the end of the run.
    for (const f of lockFiles) await deps.writeFile(f.path, deps.serializeLock(f.lock));
  }
  const selectedChanges = changes.filter((c) =>
    streamSelected({ namespace: c.namespace, name: c.stream }, settled),
  );
  return {
    imports: results,
    changes: selectedChanges,
    lockFiles: lockFiles.map((f) => ({ path: f.path })),
    locks,
    failed: results.filter((r) => !r.result.ok && !r.result.skipped).length,
    failedPins,
    skipped: results.filter((r) => !r.result.ok && r.result.skipped).length,
    dryRun: Boolean(opts.dryRun),
    now: runTime,
    ...(selections ? { selections } : {}),
    ...(soak.pending.size > 0 ? { soaking: [...soak.pending].map(([key, p]) => ({ key, ...p })) } : {}),
    ...(platforms.pending.size > 0
      ? { missingPlatforms: [...platforms.pending].map(([key, p]) => ({ key, ...p })) }
      : {}),
  };
}

/** Run the planned imports (bounded concurrency), reporting progress as each completes. */
async function importAll(deps: ReconcileDeps, requests: ImportRequest[]): Promise<Imported[]> {
  const progress: ReconcileProgress = { due: requests.length, done: 0, failed: 0 };
  deps.logger.debug('imports planned', { due: requests.length });
  deps.onProgress?.({ ...progress });
  return mapLimit(requests, deps.concurrency ?? 16, async (req) => {
    let result: ImportResult;
    try {
      result = await deps.importTag(req);
    } catch (e) {
      // importTag reports failures as values; anything thrown is a bug in an edge, still never fatal to the run.
      result = { ok: false, reason: 'InternalError', message: e instanceof Error ? e.message : String(e) };
    }
    progress.done++;
    if (!result.ok) progress.failed++;
    deps.onProgress?.({ ...progress });
    // The request becomes its own record (planned for this run only): a copy per tag was garbage at once.
    const imported = req as Imported;
    imported.result = result;
    return imported;
  });
}

/** Each tag's outcome for the lock computation; a skipped import leaves its tag exactly as it was. */
function outcomesOf(results: readonly Imported[]): Map<string, TagOutcome> {
  const outcomes = new Map<string, TagOutcome>();
  for (const r of results) {
    if (!r.result.ok && r.result.skipped) continue;
    // A success is its own outcome (read for `ok` and `item` only); a failure is narrowed to what the lock keeps.
    outcomes.set(
      r.key,
      r.result.ok ? r.result : { ok: false, reason: r.result.reason, message: r.result.message },
    );
  }
  return outcomes;
}

/** Attach image metadata to the changes (for PR bodies): the new image's where fetched, the previous one's asked. */
async function attachMetadata(
  deps: ReconcileDeps,
  results: readonly Imported[],
  changes: StreamChange[],
): Promise<void> {
  // A run that changed nothing has nothing to attach (an index of every result was built for nothing).
  if (changes.length === 0) return;
  const meta = new Map(results.filter((r) => r.result.ok).map((r) => [r.key, r.result]));
  for (const sc of changes) {
    for (const tc of sc.tags) {
      const m = meta.get(`${tc.namespace}/${tc.stream}:${tc.tag}`);
      if (m?.ok && m.metadata) tc.toMetadata = m.metadata;
    }
  }
  if (!deps.fetchMetadata) return;
  const moved = changes.flatMap((c) => c.tags).filter((t) => t.toMetadata && t.from && !t.follows);
  await mapLimit(moved, deps.concurrency ?? 16, async (t) => {
    const m = await deps.fetchMetadata!(t.from!.dockerImageReference).catch(() => undefined);
    if (m) t.fromMetadata = m;
  });
}

/**
 * Outside the settled streams a lock stays as it is on disk (and so must what consumers are pinned to); inside,
 * the lock files whose bytes change. Every lock that changed is checked here, before any is written.
 */
async function settleLocks(
  deps: ReconcileDeps,
  locks: Map<string, StreamLock>,
  settled: ReturnType<typeof withFollowers>,
): Promise<{ path: string; lock: StreamLock }[]> {
  for (const s of deps.streams) {
    if (streamSelected(s, settled)) continue;
    const id = `${s.namespace}/${s.name}`;
    if (s.lock) locks.set(id, s.lock);
    else locks.delete(id);
  }
  const lockFiles: { path: string; lock: StreamLock }[] = [];
  for (const s of deps.streams) {
    if (!streamSelected(s, settled)) continue;
    const lock = locks.get(`${s.namespace}/${s.name}`);
    if (!lock) continue;
    if (lock.status.tags.length === 0 && !s.lock) continue;
    const text = deps.serializeLock(lock);
    const current = await deps.readFile(s.lockFile);
    if (current === text) continue;
    deps.checkLock?.(lock, text);
    lockFiles.push({ path: s.lockFile, lock });
  }
  return lockFiles;
}

/** RFC 3339 in UTC without milliseconds: stable, readable lock timestamps. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
