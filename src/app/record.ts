// After an edit (tag, import, rollback) changed declarations: record the change in the locks of the edited streams
// and of every stream that follows them, rewrite the consumers, and publish per the mode (a pull request per group
// carries the declaration edit, the locks and the consumers together). Also the shapes the edit use cases share.

import type { LoadedProject } from '../loader/load.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { ImagestreamsError } from '../model/errors.js';
import type { PublishMode } from '../publish/publish.js';
import { omitUndefined } from '../util/omit-undefined.js';
import type { AppDeps } from './deps.js';
import type { ReconcileProgress } from './imports.js';
import { type JobResult, runJob } from './job.js';

/** How an edit is recorded and published, as its entry point asked. */
export interface RecordRequest {
  /** Unset: the edit is left in the working tree (`imagestreams reconcile` records it later). */
  mode?: PublishMode;
  dryRun?: boolean;
  /** The config file the project was loaded with (the project is reloaded after the edit). */
  configPath?: string;
  onProgress?: (p: ReconcileProgress) => void;
}

/** Why an edit stopped: bad usage or invalid declarations (`usage`), or a failure (`failed`). */
export interface EditStop {
  status: 'usage' | 'failed';
  /** What is wrong, without the command's prefix. */
  message?: string;
  /** The declarations' errors to show first. */
  diagnostics?: readonly Diagnostic[];
}

/** Reconcile the edited streams (nothing scheduled is due) and publish per `mode`. */
export function recordEdit(
  deps: AppDeps,
  project: LoadedProject,
  o: RecordRequest & { only: ReadonlySet<string>; forced?: ReadonlySet<string> },
): Promise<JobResult> {
  return runJob(deps, {
    project: { loaded: project },
    streams: omitUndefined({ only: o.only, scheduledDue: () => false, forced: o.forced }),
    publish: { mode: o.mode ?? 'none' },
    ...omitUndefined({ dryRun: o.dryRun || undefined, onProgress: o.onProgress }),
  });
}

/** An ImagestreamsError as a stop (USAGE codes are usage); anything else is rethrown. */
export function stopOf(e: unknown): EditStop {
  if (!(e instanceof ImagestreamsError)) throw e;
  return { status: e.code === 'USAGE' ? 'usage' : 'failed', message: e.message };
}
