// The reconcile job as the CLI, the Action and the daemon run it: load, import, write locks, update consumers.
// Entry points call this with their IO; it returns a structured result and never prints.

import * as nodeFs from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { registryAllowed } from '../config/config.js';
import { type ConsumerUpdate, planConsumers } from '../consumers/update.js';
import { walkRepository } from '../consumers/walk.js';
import { writeInside } from '../fs/inside.js';
import { type LoadedProject, loadProject } from '../loader/load.js';
import { lockPath, parseLock, readLock } from '../loader/lock-file.js';
import { type Diagnostic, hasErrors } from '../model/diagnostic.js';
import { ImagestreamsError } from '../model/errors.js';
import type { StreamLock } from '../model/lock.js';
import { serializeLock } from '../model/lock-format.js';
import type { StreamState } from '../plan/next-locks.js';
import { errorsByStream } from '../policy/invalid-streams.js';
import { unknownStreams, unknownStreamsMessage } from '../policy/stream-selection.js';
import type { StreamLike } from '../policy/tag-spec.js';
import type { RegistryStats } from '../registry/types.js';
import { parseDuration } from '../util/duration.js';
import type { AppDeps } from './deps.js';
import { createImporter, type ImporterOptions } from './importer.js';
import { type ReconcileProgress, type ReconcileResult, reconcile, type StreamSelection } from './imports.js';

/** Which project a run works on. */
export interface ProjectInput {
  /** The config file (default: .imagestreams.yaml at the project root). */
  configPath?: string;
  /** An already loaded project (the tag/import/rollback commands load it first); configPath is then unused. */
  loaded?: LoadedProject;
}

/** Which streams a run touches. */
export interface RunSelection extends StreamSelection {
  /**
   * Default-branch runs: a stream with errors (invalid, or from a registry not allowed) is skipped and reported,
   * and the other streams are reconciled. Without it (pull-request plans, edits) any error stops the run.
   */
  skipInvalid?: boolean;
}

/** How a run talks to registries. */
export interface RegistryRunOptions {
  /** Fetch creation time and labels of new and previous images (for PR bodies). */
  withMetadata?: boolean;
  /** Registry client overrides (tests, daemon). */
  client?: ImporterOptions['client'];
  /** Whole-run deadline in ms (overrides config `deadline`). */
  deadlineMs?: number;
  /** Aborts when the deadline passes (tests; default a timer of deadlineMs from the start of the run). */
  deadlineSignal?: AbortSignal;
}

/** What to run: each part goes to the step that uses it. */
export interface RunReconcileOptions {
  project?: ProjectInput;
  streams?: RunSelection;
  registry?: RegistryRunOptions;
  /** Write nothing: report what would be written. */
  dryRun?: boolean;
  onProgress?: (p: ReconcileProgress) => void;
}

/** Everything a run did, for rendering and publishing. */
export interface RunReconcileResult {
  /** invalid: invalid declarations or locks, or a selection naming no stream; nothing written (exit 2). */
  status: 'ok' | 'failed' | 'invalid';
  /** Set when the run was refused for how it was asked (e.g. `--stream` naming no declared stream). */
  usage?: string;
  /** Streams left out of this run for their errors (skipInvalidStreams), and those errors. */
  skippedStreams?: { streams: string[]; diagnostics: Diagnostic[] };
  diagnostics: Diagnostic[];
  project?: LoadedProject;
  result?: ReconcileResult;
  consumers?: ConsumerUpdate;
  /** Repository-relative paths written (or that would be, on a dry run). */
  written: string[];
  report?: ReturnType<ReturnType<typeof createImporter>['report']>;
  requests?: number;
  /** Per-registry counters of the run, including the rate-limit state each reported (daemon metrics). */
  registryStats?: RegistryStats;
}

/** Read each stream's lock; a lock that does not parse stops the run (it must never be overwritten blindly). */
export async function streamStates(
  project: LoadedProject,
): Promise<{ states: StreamState[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
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
        const lock = await readLock(nodeFs, project.root, project.config, s.namespace, s.name);
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

/** Run one reconcile of the repository at io.cwd. */
export async function runReconcile(io: AppDeps, opts: RunReconcileOptions = {}): Promise<RunReconcileResult> {
  const { project: input = {}, streams: selection = {}, registry = {} } = opts;
  let project =
    input.loaded ??
    (await loadProject({
      cwd: io.cwd,
      ...(input.configPath !== undefined ? { configPath: input.configPath } : {}),
    }));
  const root = resolve(project.root);
  const unknown = selection.only
    ? unknownStreams(selection.only, [...project.streams, ...(project.partial ?? [])])
    : [];
  let skippedStreams: RunReconcileResult['skippedStreams'];
  if (hasErrors(project.diagnostics)) {
    const skip = selection.skipInvalid ? skippable(project) : undefined;
    if (!skip) return { status: 'invalid', diagnostics: project.diagnostics, project, written: [] };
    skippedStreams = skip;
    const left = new Set(skip.streams);
    project = { ...project, streams: project.streams.filter((s) => !left.has(`${s.namespace}/${s.name}`)) };
  }
  if (unknown.length > 0) {
    const usage = unknownStreamsMessage(unknown, project.streams.length);
    return { status: 'invalid', usage, diagnostics: [], project, written: [] };
  }
  const { states, diagnostics: lockDiags } = await streamStates(project);
  if (lockDiags.length > 0) return { status: 'invalid', diagnostics: lockDiags, project, written: [] };

  const deadlineMs =
    registry.deadlineMs ?? (project.config.deadline ? parseDuration(project.config.deadline) : undefined);
  const deadlineSignal =
    registry.deadlineSignal ?? (deadlineMs ? AbortSignal.timeout(deadlineMs) : undefined);
  const importer = createImporter({
    ...(deadlineSignal
      ? { deadline: { signal: deadlineSignal, seconds: Math.round((deadlineMs ?? 0) / 1000) } }
      : {}),
    config: project.config,
    env: io.env,
    logger: io.logger,
    ...(registry.withMetadata ? { withMetadata: true } : {}),
    ...(registry.client ? { client: registry.client } : {}),
  });
  let result: ReconcileResult;
  try {
    result = await reconcile(
      {
        streams: states,
        historyLimit: project.config.historyLimit,
        ...(project.config.localRegistry ? { localRegistry: project.config.localRegistry } : {}),
        ...(project.config.importMode ? { defaultImportMode: project.config.importMode } : {}),
        importTag: importer.importTag,
        ...(registry.withMetadata ? { fetchMetadata: importer.metadataOf } : {}),
        serializeLock: (lock) => checkedLock(project.config, lock),
        readFile: async (p) => {
          try {
            return await nodeFs.readFile(join(root, p), 'utf8');
          } catch (e) {
            if ((e as { code?: string }).code === 'ENOENT') return undefined;
            throw e;
          }
        },
        writeFile: (p, text) => writeInside(root, p, text),
        now: io.now,
        logger: io.logger,
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      },
      {
        dryRun: Boolean(opts.dryRun),
        ...(selection.only ? { only: selection.only } : {}),
        ...(selection.forced ? { forced: selection.forced } : {}),
        ...(selection.scheduledDue ? { scheduledDue: selection.scheduledDue } : {}),
      },
    );
  } finally {
    importer.close();
  }

  // Consumers follow the new locks in the same run, so one commit carries the bump and its consequences.
  const walked = await walkRepository({ root, fs: nodeFs });
  const streams = new Map(states.map((s) => [`${s.namespace}/${s.name}`, s.object]));
  const consumers = planConsumers(walked.files, result.locks, streams, {
    defaultNamespace: project.config.namespace,
    ...(project.config.localRegistry ? { localRegistry: project.config.localRegistry } : {}),
    pinFormat: project.config.pinFormat,
  });
  if (!opts.dryRun) {
    for (const f of consumers.files) await writeInside(root, f.path, f.text);
  }
  const written = [...result.lockFiles.map((f) => f.path), ...consumers.files.map((f) => f.path)];
  const registryStats = importer.stats();
  return {
    // A broken marker or trigger, or a skipped stream, fails the run (everything valid is still written).
    status:
      result.failed > 0 ||
      result.failedPins.length > 0 ||
      hasErrors(consumers.diagnostics) ||
      skippedStreams !== undefined
        ? 'failed'
        : 'ok',
    ...(skippedStreams ? { skippedStreams } : {}),
    diagnostics: [...project.diagnostics, ...consumers.diagnostics],
    project,
    result,
    consumers,
    written,
    report: importer.report(),
    requests: registryStats.requests,
    registryStats,
  };
}

/**
 * Serialise a lock and check the text against the lock schema before anything is written: whatever a registry
 * answered, a lock that the next run could not read (exit 2) is never written. Every lock of a run is checked
 * before the first is written, so a refusal writes nothing.
 */
export function checkedLock(config: LoadedProject['config'], lock: StreamLock): string {
  const text = serializeLock(lock);
  const file = lockPath(config, lock.metadata.namespace, lock.metadata.name);
  try {
    parseLock(text, file);
  } catch (e) {
    throw new ImagestreamsError(
      'LOCK_NOT_WRITTEN',
      `refusing to write ${file}: the new lock does not match schemas/lock.schema.json, so nothing was written (${e instanceof Error ? e.message : String(e)}); please report this as a bug`,
      { cause: e, permanent: true },
    );
  }
  return text;
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

/** True when a domain may be imported from under the project's allowlist (for callers that pre-check). */
export { registryAllowed };
