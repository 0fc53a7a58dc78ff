// The first step of a reconcile run: the project loaded and narrowed to what can run (streams with errors left
// out on default-branch runs), the selection checked, and each stream's current lock read.

import * as nodeFs from 'node:fs/promises';
import { dirChecks } from '../fs/inside.js';
import { type LoadedProject, loadProject } from '../loader/load.js';
import { lockPath, readLock } from '../loader/lock-file.js';
import { type Diagnostic, hasErrors } from '../model/diagnostic.js';
import { ImagestreamsError } from '../model/errors.js';
import type { StreamState } from '../plan/next-locks.js';
import { errorsByStream } from '../policy/invalid-streams.js';
import { unknownStreams, unknownStreamsMessage } from '../policy/stream-selection.js';
import type { StreamLike } from '../policy/tag-spec.js';
import { omitUndefined } from '../util/omit-undefined.js';
import type { AppDeps } from './deps.js';
import type { ProjectInput, RunReconcileResult, RunSelection } from './reconcile.js';

/** A project ready to reconcile, or the result that ends the run before anything is imported. */
export type PreparedRun =
  | { ready: false; result: RunReconcileResult }
  | {
      ready: true;
      project: LoadedProject;
      states: StreamState[];
      skippedStreams?: RunReconcileResult['skippedStreams'];
    };

/** Load the project and read its locks; invalid input ends the run here (nothing is written). */
export async function prepareRun(
  io: AppDeps,
  input: ProjectInput,
  selection: RunSelection,
): Promise<PreparedRun> {
  let project =
    input.loaded ??
    (await loadProject({
      cwd: io.cwd,
      ...omitUndefined({ configPath: input.configPath }),
    }));
  const unknown = selection.only
    ? unknownStreams(selection.only, [...project.streams, ...(project.partial ?? [])])
    : [];
  let skippedStreams: RunReconcileResult['skippedStreams'];
  if (hasErrors(project.diagnostics)) {
    const skip = selection.skipInvalid ? skippable(project) : undefined;
    if (!skip) return invalid(project, project.diagnostics);
    skippedStreams = skip;
    const left = new Set(skip.streams);
    project = { ...project, streams: project.streams.filter((s) => !left.has(`${s.namespace}/${s.name}`)) };
  }
  if (unknown.length > 0) {
    const usage = unknownStreamsMessage(unknown, project.streams.length);
    return { ready: false, result: { status: 'invalid', usage, diagnostics: [], project, written: [] } };
  }
  const { states, diagnostics } = await streamStates(project);
  if (diagnostics.length > 0) return invalid(project, diagnostics);
  return { ready: true, project, states, ...omitUndefined({ skippedStreams }) };
}

function invalid(project: LoadedProject, diagnostics: Diagnostic[]): PreparedRun {
  return { ready: false, result: { status: 'invalid', diagnostics, project, written: [] } };
}

/** Read each stream's lock; a lock that does not parse stops the run (it must never be overwritten blindly). */
export async function streamStates(
  project: LoadedProject,
): Promise<{ states: StreamState[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const dirs = dirChecks();
  const states = await Promise.all(
    project.streams.map(async (s) => {
      const lockFile = lockPath(project.config, s.namespace, s.name);
      const state: StreamState = {
        namespace: s.namespace,
        name: s.name,
        file: s.file,
        object: s.object as StreamLike,
        lockFile,
      };
      try {
        const lock = await readLock(nodeFs, project.root, project.config, s.namespace, s.name, dirs);
        if (lock) state.lock = lock;
      } catch (e) {
        if (!(e instanceof ImagestreamsError)) throw e;
        // A hand-edited lock: each problem once, at its own line, and the way out once (not the error's text,
        // which already lists them, wrapped in another position).
        const inner = Array.isArray(e.data.diagnostics) ? (e.data.diagnostics as Diagnostic[]) : [];
        const advice = `lock files are written by imagestreams: restore ${lockFile} from git, or delete it to import the stream afresh`;
        if (inner.length > 0) {
          inner.forEach((d, i) => {
            diagnostics.push({
              ...d,
              code: e.code,
              severity: 'error',
              message: i === inner.length - 1 ? `${d.message} (${advice})` : d.message,
            });
          });
        } else {
          diagnostics.push({
            file: lockFile,
            line: typeof e.data.line === 'number' ? e.data.line : 1,
            column: typeof e.data.column === 'number' ? e.data.column : 1,
            code: e.code,
            severity: 'error',
            message: `${e.message} (${advice})`,
          });
        }
      }
      return state;
    }),
  );
  return { states, diagnostics };
}

/**
 * The streams to leave out so the rest can run: those with errors, and the streams of declaration files that
 * yielded none. Undefined when an error is not a declaration's (the config, a missing path): then nothing runs.
 */
function skippable(project: LoadedProject): RunReconcileResult['skippedStreams'] {
  const { byStream, unattributed } = errorsByStream(
    [...project.streams, ...(project.partial ?? [])],
    project.diagnostics,
  );
  const declarationFiles = new Set(project.files);
  if (unattributed.some((d) => !declarationFiles.has(d.file))) return undefined;
  const diagnostics = project.diagnostics.filter((d) => d.severity === 'error');
  return { streams: [...byStream.keys()].sort(), diagnostics };
}
