// After the locks moved: rewrite every consumer (workloads, Dockerfiles, compose files…) that follows a tag,
// one file at a time.

import type { Diagnostic } from '../model/diagnostic.js';
import type { StreamLock } from '../model/lock.js';
import type { ConsumerChange } from '../plan/changes.js';
import type { PinFormat } from '../plan/pull-spec.js';
import type { StreamLike } from '../policy/tag-spec.js';
import type { ConsumerPlan, SourceFile } from './index.js';
import {
  applyConsumerPlan,
  findConsumers,
  formatStreamTag,
  localLookupOf,
  planConsumerUpdates,
  toDiagnostic,
} from './index.js';
import { lockLookup } from './lock-lookup.js';

/** What updating consumers did (or would do, on a dry run). */
export interface ConsumerUpdate {
  changes: ConsumerChange[];
  /** Files whose text changed (written by the run unless it is a dry run). */
  files: { path: string }[];
  diagnostics: Diagnostic[];
  /** Consumers following a tag that has no image (undeclared, or never imported). */
  unresolved: { file: string; line: number; follows: string }[];
  consumers: number;
  /** Every consumer file and the `namespace/stream:tag` it follows, changed or not (a PR carries them all). */
  following: { file: string; follows: string }[];
}

/** Options of the consumer planner. */
export interface ConsumerPlanOptions {
  defaultNamespace: string;
  localRegistry?: string;
  pinFormat?: PinFormat;
}

/**
 * The planner of one file at a time (lookups built once): a run plans each file as the walk reads it and writes
 * its new text at once, so no more than a few files' texts and parse trees are alive at once, however large the
 * repository. Pure: `rewritten` is the file's new text when it changed.
 */
export function consumerPlanner(
  locks: ReadonlyMap<string, StreamLock>,
  streams: ReadonlyMap<string, StreamLike>,
  opts: ConsumerPlanOptions,
): (file: SourceFile) => { update: ConsumerUpdate; rewritten: SourceFile[] } {
  const findOpts = { defaultNamespace: opts.defaultNamespace, lookup: localLookupOf(streams) };
  const pullSpec = lockLookup(locks, streams, opts.localRegistry, opts.pinFormat);
  return (file) => {
    const found = findConsumers([file], findOpts);
    const plan: ConsumerPlan = planConsumerUpdates(found.consumers, pullSpec);
    const rewritten = applyConsumerPlan([file], plan);
    const update: ConsumerUpdate = {
      changes: plan.changes,
      files: rewritten.map((f) => ({ path: f.path })),
      diagnostics: found.errors.map(toDiagnostic),
      unresolved: plan.unresolved.map((u) => ({
        file: u.consumer.file,
        line: u.consumer.line,
        follows: u.follows,
      })),
      consumers: found.consumers.length,
      following: found.consumers.map((c) => ({ file: c.file, follows: formatStreamTag(c.follows) })),
    };
    return { update, rewritten };
  };
}

/** Per-file updates as one, in the order given (path order, as the walk sorts). */
export function mergeConsumerUpdates(parts: readonly (ConsumerUpdate | undefined)[]): ConsumerUpdate {
  const out: ConsumerUpdate = {
    changes: [],
    files: [],
    diagnostics: [],
    unresolved: [],
    consumers: 0,
    following: [],
  };
  for (const p of parts) {
    if (!p) continue;
    out.changes.push(...p.changes);
    out.files.push(...p.files);
    out.diagnostics.push(...p.diagnostics);
    out.unresolved.push(...p.unresolved);
    out.consumers += p.consumers;
    out.following.push(...p.following);
  }
  return out;
}
