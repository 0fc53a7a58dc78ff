// Validation that needs the locks (read here, judged by the pure policy): pins whose image is no longer in the
// history of the stream they name. Used by `validate` and the Action's validate step.

import * as nodeFs from 'node:fs/promises';
import type { LoadedProject } from '../loader/load.js';
import { readLock } from '../loader/lock-file.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { StreamLock } from '../model/lock.js';
import { pinHistoryWarnings } from '../policy/pin-history.js';
import { imageTarget } from '../policy/tag-spec.js';

/** Warnings that need the locks: pins whose image is no longer in the history (unreadable locks are skipped). */
export async function lockWarnings(project: LoadedProject): Promise<Diagnostic[]> {
  const ids = new Map<string, { namespace: string; stream: string }>();
  for (const s of project.streams) {
    for (const t of s.object.spec?.tags ?? []) {
      const target = t.from?.kind === 'ImageStreamImage' ? imageTarget(s.namespace, t.from) : undefined;
      if (target) ids.set(`${target.namespace}/${target.stream}`, target);
    }
  }
  const locks = new Map<string, StreamLock>();
  for (const [id, t] of ids) {
    const lock = await readLock(nodeFs, project.root, project.config, t.namespace, t.stream).catch(
      () => undefined,
    );
    if (lock) locks.set(id, lock);
  }
  return pinHistoryWarnings(project.streams, locks, project.config.historyLimit);
}
