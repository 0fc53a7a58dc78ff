// ImageStreamImage pins checked against the locks: a pin whose image is no longer in the named stream's history
// (pruned by historyLimit, or a typo) will fail at reconcile; validate says so first. Pure.

import type { Diagnostic } from '../model/diagnostic.js';
import type { StreamLock } from '../model/lock.js';
import { type LoadedStream, streamTags } from '../model/stream.js';
import { findInHistory } from './history.js';
import { imageTarget } from './tag-spec.js';

/** Warnings for pins whose digest is not in the lock history of the stream they name. */
export function pinHistoryWarnings(
  streams: readonly LoadedStream[],
  /** Locks by `namespace/name`; a stream without a lock yet is not judged. */
  locks: ReadonlyMap<string, StreamLock>,
  historyLimit: number,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of streams) {
    streamTags(s.object).forEach((t, i) => {
      if (t.from?.kind !== 'ImageStreamImage' || t.reference) return;
      const target = imageTarget(s.namespace, t.from);
      if (!target) return;
      const id = `${target.namespace}/${target.stream}`;
      const lock = locks.get(id);
      if (!lock) return;
      const found = findInHistory(lock.status.tags, target.digest);
      if ('item' in found) return;
      const where = s.position(['spec', 'tags', i, 'from', 'name']);
      out.push({
        file: s.file,
        ...where,
        code: found.error === 'ambiguous' ? 'PIN_AMBIGUOUS' : 'PIN_NOT_IN_HISTORY',
        severity: 'warning',
        message:
          found.error === 'ambiguous'
            ? `tag "${t.name}" pins ${target.digest}, which matches ${found.candidates.length} images in the history of ${id}: give more characters`
            : `tag "${t.name}" pins ${target.digest}, which is not in the history of ${id} (historyLimit ${historyLimit} may have pruned it): reconcile will fail this tag; pin an image that \`imagestreams describe ${target.stream}\` lists, or raise historyLimit`,
      });
    });
  }
  return out;
}
