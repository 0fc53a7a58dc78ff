// After the locks moved: rewrite every consumer (workloads, Dockerfiles, compose files…) that follows a tag.

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
  /** Files whose text changed, with their new text. */
  files: SourceFile[];
  diagnostics: Diagnostic[];
  /** Consumers following a tag that has no image (undeclared, or never imported). */
  unresolved: { file: string; line: number; follows: string }[];
  consumers: number;
  /** Every consumer file and the `namespace/stream:tag` it follows, changed or not (a PR carries them all). */
  following: { file: string; follows: string }[];
}

/** Plan consumer rewrites for the given candidate files against the new locks (pure). */
export function planConsumers(
  files: readonly SourceFile[],
  locks: ReadonlyMap<string, StreamLock>,
  streams: ReadonlyMap<string, StreamLike>,
  opts: { defaultNamespace: string; localRegistry?: string; pinFormat?: PinFormat },
): ConsumerUpdate {
  const found = findConsumers(files, {
    defaultNamespace: opts.defaultNamespace,
    lookup: localLookupOf(streams),
  });
  const plan: ConsumerPlan = planConsumerUpdates(
    found.consumers,
    lockLookup(locks, streams, opts.localRegistry, opts.pinFormat),
  );
  return {
    changes: plan.changes,
    files: applyConsumerPlan(files, plan),
    diagnostics: found.errors.map(toDiagnostic),
    unresolved: plan.unresolved.map((u) => ({
      file: u.consumer.file,
      line: u.consumer.line,
      follows: u.follows,
    })),
    consumers: found.consumers.length,
    following: found.consumers.map((c) => ({ file: c.file, follows: formatStreamTag(c.follows) })),
  };
}
