// Import rules: which tags are due for import in this run (faithful to OpenShift, then better).

import type { LockTag } from '../model/lock.js';
import { isImportable, specKey, type TagSpecLike } from './tag-spec.js';

/** Why a tag is imported this run; undefined means it keeps its digest even if upstream moved. */
export type DueReason = 'new' | 'spec-changed' | 'generation' | 'scheduled' | 'forced' | 'retry';

/** Decide whether an importable tag is due. Non-importable tags are never due. */
export function dueReason(
  spec: TagSpecLike,
  locked: LockTag | undefined,
  opts: { forced?: boolean; scheduledDue?: boolean; defaultImportMode?: 'Legacy' | 'PreserveOriginal' } = {},
): DueReason | undefined {
  if (!isImportable(spec)) return undefined;
  if (opts.forced) return 'forced';
  if (!locked || locked.items.length === 0) {
    // A tag that never imported successfully is retried every run until it does.
    return locked?.conditions?.length ? 'retry' : 'new';
  }
  if (locked.spec !== undefined && locked.spec !== specKey(spec, opts.defaultImportMode))
    return 'spec-changed';
  const gen = spec.generation;
  if (typeof gen === 'number' && gen !== (locked.observedGeneration ?? null)) return 'generation';
  if (spec.importPolicy?.scheduled && (opts.scheduledDue ?? true)) return 'scheduled';
  return undefined;
}
