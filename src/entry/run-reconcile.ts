// The reconcile job as the CLI, the Action and the daemon run it: load, import, write locks, update consumers.
// Entry points call this with their IO; it returns a structured result and never prints.

import * as nodeFs from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { registryAllowed } from '../config/config.js';
import { walkRepository } from '../consumers/walk.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { type LoadedProject, loadProject } from '../loader/load.js';
import { lockPath, readLock } from '../loader/lock-file.js';
import { type Diagnostic, hasErrors } from '../model/diagnostic.js';
import { ImagestreamsError } from '../model/errors.js';
import { serializeLock } from '../model/lock-format.js';
import { tryParseReference } from '../model/reference.js';
import type { StreamState } from '../plan/next-locks.js';
import type { StreamLike } from '../policy/tag-spec.js';
import { type ReconcileProgress, type ReconcileResult, reconcile } from '../reconcile.js';
import type { RegistryStats } from '../registry/types.js';
import { type ConsumerUpdate, planConsumers } from '../update-consumers.js';
import { createImporter, type ImporterOptions } from './importer.js';
import type { CommandIO } from './io.js';

/** What to run. */
export interface RunReconcileOptions {
  configPath?: string;
  dryRun?: boolean;
  only?: ReadonlySet<string>;
  forced?: ReadonlySet<string>;
  scheduledDue?: (key: string) => boolean;
  withMetadata?: boolean;
  onProgress?: (p: ReconcileProgress) => void;
  /** Registry client overrides (tests, daemon). */
  client?: ImporterOptions['client'];
  /** An already loaded project (the tag/import/rollback commands load it first). */
  project?: LoadedProject;
}

/** Everything a run did, for rendering and publishing. */
export interface RunReconcileResult {
  /** usage: invalid declarations or locks, nothing written (exit 2). */
  status: 'ok' | 'failed' | 'invalid';
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

/** Domains that declarations allow insecure access to. */
function insecureDomains(states: StreamState[]): string[] {
  const out = new Set<string>();
  for (const s of states) {
    const streamInsecure =
      s.object.metadata.annotations?.['openshift.io/image.insecureRepository'] === 'true';
    for (const t of s.object.spec?.tags ?? []) {
      if (t.from?.kind !== 'DockerImage' || !(streamInsecure || t.importPolicy?.insecure)) continue;
      const p = tryParseReference(t.from.name);
      if ('ref' in p) out.add(p.ref.domain);
    }
  }
  return [...out];
}

/** Run one reconcile of the repository at io.cwd. */
export async function runReconcile(
  io: CommandIO,
  opts: RunReconcileOptions = {},
): Promise<RunReconcileResult> {
  const project =
    opts.project ??
    (await loadProject({
      cwd: io.cwd,
      ...(opts.configPath !== undefined ? { configPath: opts.configPath } : {}),
    }));
  const root = resolve(project.root);
  if (hasErrors(project.diagnostics)) {
    return { status: 'invalid', diagnostics: project.diagnostics, project, written: [] };
  }
  const { states, diagnostics: lockDiags } = await streamStates(project);
  if (lockDiags.length > 0) return { status: 'invalid', diagnostics: lockDiags, project, written: [] };

  const importer = createImporter({
    config: project.config,
    env: io.env,
    logger: io.logger,
    insecureDomains: insecureDomains(states),
    ...(opts.withMetadata ? { withMetadata: true } : {}),
    ...(opts.client ? { client: opts.client } : {}),
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
        ...(opts.withMetadata ? { fetchMetadata: importer.metadataOf } : {}),
        serializeLock,
        readFile: async (p) => {
          try {
            return await nodeFs.readFile(join(root, p), 'utf8');
          } catch (e) {
            if ((e as { code?: string }).code === 'ENOENT') return undefined;
            throw e;
          }
        },
        writeFile: (p, text) => writeFileAtomic(join(root, p), text),
        now: io.now,
        logger: io.logger,
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      },
      {
        dryRun: Boolean(opts.dryRun),
        ...(opts.only ? { only: opts.only } : {}),
        ...(opts.forced ? { forced: opts.forced } : {}),
        ...(opts.scheduledDue ? { scheduledDue: opts.scheduledDue } : {}),
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
    for (const f of consumers.files) await writeFileAtomic(join(root, f.path), f.text);
  }
  const written = [...result.lockFiles.map((f) => f.path), ...consumers.files.map((f) => f.path)];
  const registryStats = importer.stats();
  return {
    status: result.failed > 0 ? 'failed' : 'ok',
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

/** True when a domain may be imported from under the project's allowlist (for callers that pre-check). */
export { registryAllowed };
