// Load a project: config, every declaration file, schema and semantic checks — the API the reconciler uses.

import * as nodeFs from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { type Config, resolveConfig } from '../config/config.js';
import { type LoadedConfig, loadConfig, type ReadFs } from '../config/load.js';
import { type DirChecks, dirChecks, escapeMessage, escapeOf, readRegular } from '../fs/inside.js';
import { compareDiagnostics, type Diagnostic } from '../model/diagnostic.js';
import type { LoadedStream } from '../model/stream.js';
import { validateStreams } from '../policy/validate.js';
import { discoverFiles, type ListFs, toPosixRelative } from './discover.js';
import { readDeclarations } from './read-declarations.js';
import { findProjectRoot } from './root.js';

/** The file system calls loading makes; `node:fs/promises` by default. */
export type LoaderFs = ReadFs & ListFs;

/** Options of loadProject. */
export interface LoadProjectOptions {
  /** Working directory: the project root is found from here (walking up to the config or `.git`, as git does). */
  cwd: string;
  /** Config file path (relative to cwd); default `<cwd>/.imagestreams.yaml` when present. */
  configPath?: string;
  /** Files, folders or globs to load instead of the config's `declarations`. */
  paths?: string[];
  fs?: LoaderFs;
  /** Skip the semantic checks (schema checks always run). */
  schemaOnly?: boolean;
  /** Reads a declaration file: regular files only, at most `limit` bytes (default: node:fs, non-blocking open). */
  readDeclaration?: typeof readRegular;
}

/** Everything loaded, plus every problem found (loading never throws on bad input). */
export interface LoadedProject {
  root: string;
  config: Config;
  /** Config file as found or given (undefined: defaults). */
  configFile?: string;
  /** Repository-relative paths of the declaration files read. */
  files: string[];
  streams: LoadedStream[];
  /** Schema-invalid streams reduced to their valid parts: checked, never reconciled. */
  partial?: LoadedStream[];
  /** Tags in the schema-valid streams. */
  tags: number;
  diagnostics: Diagnostic[];
}

/** The working directory (or the Action's working-directory) does not exist: an error, never "0 files". */
function missingRoot(path: string, reason: 'not-found' | 'not-a-directory'): LoadedProject {
  const diagnostic: Diagnostic = {
    file: path,
    line: 1,
    column: 1,
    code: 'PATH_NOT_FOUND',
    severity: 'error',
    message:
      reason === 'not-found'
        ? "the working directory does not exist: check the path (or the Action's working-directory input)"
        : 'the working directory is a file, not a folder: give the folder that holds the project',
  };
  return {
    root: path,
    config: resolveConfig(),
    files: [],
    streams: [],
    tags: 0,
    diagnostics: [diagnostic],
  };
}

/** No declaration file anywhere the project looks: a warning that says where that was. */
function noDeclarations(
  root: string,
  entries: readonly string[],
  configFile: string | undefined,
  markedBy: string,
): Diagnostic {
  const why =
    markedBy === 'config'
      ? `the folder holding ${configFile ?? '.imagestreams.yaml'}`
      : markedBy === 'git'
        ? 'the repository root (.git)'
        : markedBy === 'declarations'
          ? 'the working directory'
          : 'the working directory (no .imagestreams.yaml or .git above it)';
  return {
    file: configFile ?? '.',
    line: 1,
    column: 1,
    code: 'NO_DECLARATIONS',
    severity: 'warning',
    message: `no ImageStream declarations found: looked in ${entries.map((e) => join(root, e)).join(', ')} (project root ${root}: ${why}); add declarations there, or set "declarations" in .imagestreams.yaml`,
  };
}

/** readRegular over an injected fs (tests): regular files by stat, the cap on the bytes returned. */
function readVia(fs: LoaderFs): typeof readRegular {
  return async (path, limit) => {
    const st = await fs.stat(path);
    if (!st.isFile()) return { ok: false, reason: 'not-regular', type: 'not a regular file' };
    const bytes = await fs.readFile(path);
    return bytes.length > limit ? { ok: false, reason: 'too-large', limit } : { ok: true, bytes };
  };
}

/** Load config and declarations under `cwd`, validate them, and return streams and diagnostics. */
export async function loadProject(opts: LoadProjectOptions): Promise<LoadedProject> {
  const fs = opts.fs ?? (nodeFs as unknown as LoaderFs);
  const cwd = resolve(opts.cwd);
  const explicit = Boolean(opts.paths && opts.paths.length > 0);
  // Explicit paths, or an explicit config file, are read from the working directory; otherwise the root is found
  // as git finds one.
  const found = await findProjectRoot(fs, cwd);
  if ('missing' in found) return missingRoot(found.missing, found.reason);
  const root = explicit || opts.configPath !== undefined ? cwd : found.root;
  const read = opts.readDeclaration ?? (opts.fs ? readVia(fs) : readRegular);
  const loaded: LoadedConfig = await loadConfig(fs, {
    read,
    root,
    cwd,
    ...(opts.configPath !== undefined ? { configPath: opts.configPath } : {}),
  });
  const { config } = loaded;
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const configProblem = (message: string): Diagnostic => ({
    file: loaded.file ?? '.imagestreams.yaml',
    line: 1,
    column: 1,
    code: 'CONFIG_PATH_OUTSIDE',
    severity: 'error',
    message,
  });
  // The lock folder must resolve inside the repository: a link to outside would make runs write there.
  const dirs = dirChecks();
  const lockEscape = await escapeOf(root, config.lockDir);
  if (lockEscape) diagnostics.push(configProblem(escapeMessage(lockEscape, 'lockDir')));
  const entries = explicit
    ? opts.paths!
    : await entriesInside(root, config.declarations, diagnostics, configProblem, dirs);
  const discovered = await discoverFiles(
    fs,
    root,
    entries.map((p) => (isAbsolute(p) ? toPosixRelative(root, p) : p)),
  );
  if (!explicit && discovered.files.length === 0) {
    diagnostics.push(
      noDeclarations(root, entries, loaded.file, 'markedBy' in found ? found.markedBy : 'cwd'),
    );
  }
  for (const m of discovered.missing) {
    if (!explicit && m === 'imagestreams' && config.declarations.length === 1) continue; // the default folder is optional
    diagnostics.push(missingEntry(m, explicit, loaded.file));
  }
  const { streams, partial, tags, ...parsed } = await readDeclarations(discovered.files, {
    root,
    read,
    explicit,
    defaultNamespace: config.namespace,
    dirs,
  });
  diagnostics.push(...parsed.diagnostics);
  // Streams with schema errors are checked too (their valid parts), so every problem is reported in one pass.
  if (!opts.schemaOnly) diagnostics.push(...validateStreams([...streams, ...partial], config));
  return {
    root,
    config,
    ...(loaded.file ? { configFile: loaded.file } : {}),
    files: discovered.files.map((f) => toPosixRelative(root, f)),
    streams,
    ...(partial.length ? { partial } : {}),
    tags,
    diagnostics: diagnostics.sort(compareDiagnostics),
  };
}

/** The config's declaration entries whose fixed part stays inside the repository; the others are reported. */
async function entriesInside(
  root: string,
  entries: readonly string[],
  diagnostics: Diagnostic[],
  configProblem: (message: string) => Diagnostic,
  dirs: DirChecks,
): Promise<string[]> {
  const inside: string[] = [];
  for (const [i, d] of entries.entries()) {
    const staticPart = d.split('/').filter((_p, k, all) => !all.slice(0, k + 1).some((x) => /[*?[]/.test(x)));
    const e = await escapeOf(root, staticPart.join('/') || '.', { dirs });
    if (e) diagnostics.push(configProblem(escapeMessage(e, `declarations[${i}]`)));
    else inside.push(d);
  }
  return inside;
}

/** A declarations entry that matched nothing: an error when given explicitly, else a warning naming the config. */
function missingEntry(m: string, explicit: boolean, configFile: string | undefined): Diagnostic {
  return {
    file: m,
    line: 1,
    column: 1,
    code: 'PATH_NOT_FOUND',
    severity: explicit ? 'error' : 'warning',
    message: explicit
      ? 'no such file or folder'
      : `declarations entry "${m}" (${configFile ?? 'config'}) matches no file: fix the path or remove it`,
  };
}
