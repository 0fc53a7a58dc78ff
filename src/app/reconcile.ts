// The reconcile job as the CLI, the Action and the daemon run it: load, import, write locks, update consumers.
// Entry points call this with their IO; it returns a structured result and never prints.

import * as nodeFs from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { registryAllowed } from '../config/config.js';
import { localLookupOf } from '../consumers/lookup.js';
import { type ConsumerUpdate, consumerPlanner, mergeConsumerUpdates } from '../consumers/update.js';
import { writeInside } from '../fs/inside.js';
import type { LoadedProject } from '../loader/load.js';
import { lockPath, parseLock } from '../loader/lock-file.js';
import { type Diagnostic, hasErrors } from '../model/diagnostic.js';
import { ImagestreamsError } from '../model/errors.js';
import type { StreamLock } from '../model/lock.js';
import { serializeLock } from '../model/lock-format.js';
import type { StreamState } from '../plan/next-locks.js';
import { selectionEdits, withSelectedFrom } from '../plan/selections.js';
import type { RegistryStats } from '../registry/types.js';
import { parseDuration } from '../util/duration.js';
import { omitUndefined } from '../util/omit-undefined.js';
import type { AppDeps } from './deps.js';
import { createImporter, type Importer, type ImporterOptions, type ImportReport } from './importer.js';
import {
  isoSeconds,
  type ReconcileProgress,
  type ReconcileResult,
  reconcile,
  type StreamSelection,
} from './imports.js';
import { mirrorOnImport } from './mirror.js';
import { prepareRun } from './run-streams.js';
import { selectTags } from './select-tags.js';
import { applyTagEdits } from './stream-edits.js';
import { visitProject } from './walk-project.js';

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
  /** Bounds of tag lists for tag selection policies (tests use small pages to exercise pagination). */
  tagLists?: ImporterOptions['tagLists'];
}

/** What tag selection policies chose, and those that could not choose (the run fails, tags kept). */
export type TagSelection = Awaited<ReturnType<typeof selectTags>>;

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
  /** Streams left out of this run for their errors (`streams.skipInvalid`), and those errors. */
  skippedStreams?: { streams: string[]; diagnostics: Diagnostic[] };
  diagnostics: Diagnostic[];
  project?: LoadedProject;
  result?: ReconcileResult;
  consumers?: ConsumerUpdate;
  /** Repository-relative paths written (or that would be, on a dry run). */
  written: string[];
  /** Tag selection policies: what each chose, and those that could not choose. */
  tagSelection?: TagSelection;
  report?: ImportReport;
  requests?: number;
  /** Per-registry counters of the run, including the rate-limit state each reported (daemon metrics). */
  registryStats?: RegistryStats;
}

/** Run one reconcile of the repository at io.cwd: prepare, import, then let consumers follow the new locks. */
export async function runReconcile(io: AppDeps, opts: RunReconcileOptions = {}): Promise<RunReconcileResult> {
  const prepared = await prepareRun(io, opts.project ?? {}, opts.streams ?? {});
  if (!prepared.ready) return prepared.result;
  const { project, states, skippedStreams } = prepared;
  const { result, importer, picked } = await importStreams(io, project, states, opts);
  // A policy's new choice edits the declaration's from.name, so the change carries its declaration with its lock.
  const declarations = await applyTagEdits(project, selectionEdits(result.selections?.accepted ?? []), {
    createStreams: false,
    dryRun: Boolean(opts.dryRun),
  });
  // Consumers follow the new locks in the same run, so one commit carries the bump and its consequences.
  const consumers = await followLocks(project, states, result, Boolean(opts.dryRun));
  const written = [
    ...result.lockFiles.map((f) => f.path),
    ...declarations,
    ...consumers.files.map((f) => f.path),
  ];
  const registryStats = importer.stats();
  return {
    // A broken marker or trigger, or a skipped stream, fails the run (everything valid is still written).
    status:
      result.failed > 0 ||
      result.failedPins.length > 0 ||
      picked.failures.length > 0 ||
      hasErrors(consumers.diagnostics) ||
      skippedStreams !== undefined
        ? 'failed'
        : 'ok',
    ...omitUndefined({ skippedStreams }),
    diagnostics: [...project.diagnostics, ...consumers.diagnostics],
    project,
    result,
    consumers,
    ...(picked.records.length + picked.failures.length > 0 ? { tagSelection: picked } : {}),
    written,
    report: importer.report(),
    requests: registryStats.requests,
    registryStats,
  };
}

/** The run's deadline: the option, else the config's; undefined when neither sets one. */
function runDeadline(registry: RegistryRunOptions, project: LoadedProject): ImporterOptions['deadline'] {
  const ms =
    registry.deadlineMs ?? (project.config.deadline ? parseDuration(project.config.deadline) : undefined);
  const signal = registry.deadlineSignal ?? (ms ? AbortSignal.timeout(ms) : undefined);
  return signal ? { signal, seconds: Math.round((ms ?? 0) / 1000) } : undefined;
}

/** Import what is due and write the next locks (one registry client for the run, closed before returning). */
async function importStreams(
  io: AppDeps,
  project: LoadedProject,
  states: StreamState[],
  opts: RunReconcileOptions,
): Promise<{ result: ReconcileResult; importer: Importer; picked: TagSelection }> {
  const { config } = project;
  const root = resolve(project.root);
  const registry = opts.registry ?? {};
  const { skipInvalid: _skip, ...selection } = opts.streams ?? {};
  const importer = createImporter({
    ...omitUndefined({ deadline: runDeadline(registry, project) }),
    config,
    env: io.env,
    logger: io.logger,
    ...(registry.withMetadata ? { withMetadata: true } : {}),
    ...omitUndefined({ client: registry.client, tagLists: registry.tagLists }),
  });
  // The integrated registry: a Local tag's import succeeds only once its image is in localRegistry.
  const mirror = mirrorOnImport({
    config,
    env: io.env,
    logger: io.logger,
    streams: states,
    ...(opts.dryRun ? { dryRun: true } : {}),
    ...omitUndefined({ client: registry.client, access: importer.access }),
  });
  try {
    const picked = await selectTags(states, {
      listTags: importer.listTags,
      allowed: (domain) => registryAllowed(config, domain),
      now: isoSeconds(io.now()),
      logger: io.logger,
      ...omitUndefined({ only: selection.only }),
    });
    const result = await reconcile(
      {
        streams: withSelectedFrom(states, picked.records),
        selections: picked.records,
        historyLimit: config.historyLimit,
        ...(config.localRegistry ? { localRegistry: config.localRegistry } : {}),
        ...omitUndefined({ defaultImportMode: config.importMode }),
        importTag: mirror.wrap(importer.importTag),
        ...(registry.withMetadata ? { fetchMetadata: importer.metadataOf } : {}),
        serializeLock,
        checkLock: (lock, text) => checkLockText(config, lock, text),
        readFile: (p) => readIfPresent(join(root, p)),
        writeFile: (p, text) => writeInside(root, p, text),
        now: io.now,
        logger: io.logger,
        ...omitUndefined({ onProgress: opts.onProgress }),
      },
      { dryRun: Boolean(opts.dryRun), ...omitUndefined(selection) },
    );
    return { result, importer, picked };
  } finally {
    importer.close();
    mirror.close();
  }
}

/** A file's text, or undefined when it does not exist. */
async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await nodeFs.readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Plan the consumer files that follow the new locks, and write them unless this is a dry run: each file as the
 * walk reads it (read, plan, write, drop), so a run holds a few consumer files at a time, not the repository.
 */
async function followLocks(
  project: LoadedProject,
  states: StreamState[],
  result: ReconcileResult,
  dryRun: boolean,
): Promise<ConsumerUpdate> {
  const root = resolve(project.root);
  const streams = new Map(states.map((s) => [`${s.namespace}/${s.name}`, s.object]));
  const plan = consumerPlanner(result.locks, streams, {
    defaultNamespace: project.config.namespace,
    ...(project.config.localRegistry ? { localRegistry: project.config.localRegistry } : {}),
    pinFormat: project.config.pinFormat,
  });
  const parts: ConsumerUpdate[] = [];
  await visitProject(project, localLookupOf(streams).needles, async (file, index) => {
    const { update, rewritten } = plan(file);
    if (!dryRun) for (const f of rewritten) await writeInside(root, f.path, f.text);
    parts[index] = update;
  });
  return mergeConsumerUpdates(parts);
}

/**
 * Serialise a lock and check the text against the lock schema before anything is written: whatever a registry
 * answered, a lock that the next run could not read (exit 2) is never written. Every lock of a run that changed is
 * checked before the first is written (reconcile's checkLock), so a refusal writes nothing.
 */
export function checkedLock(config: LoadedProject['config'], lock: StreamLock): string {
  const text = serializeLock(lock);
  checkLockText(config, lock, text);
  return text;
}

/** Throw LOCK_NOT_WRITTEN unless `text`, the serialised `lock`, passes the lock schema (see checkedLock). */
export function checkLockText(config: LoadedProject['config'], lock: StreamLock, text: string): void {
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
}

/** True when a domain may be imported from under the project's allowlist (for callers that pre-check). */
export { registryAllowed };
