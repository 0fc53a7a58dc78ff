// Load a project: config, every declaration file, schema and semantic checks — the API the reconciler uses.

import * as nodeFs from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { type Config, resolveConfig } from '../config/config.js';
import { type LoadedConfig, loadConfig, type ReadFs } from '../config/load.js';
import { escapeMessage, escapeOf, readRegular } from '../fs/inside.js';
import { compareDiagnostics, type Diagnostic } from '../model/diagnostic.js';
import type { LoadedStream } from '../model/stream.js';
import { validateStreams } from '../policy/validate.js';
import { mapLimit } from '../util/map-limit.js';
import { parseDeclarations } from './declarations.js';
import { discoverFiles, type ListFs, toPosixRelative } from './discover.js';
import { findProjectRoot } from './root.js';
import { MAX_DECLARATION_BYTES, MAX_DECLARATIONS_TOTAL_BYTES } from './source.js';

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

/** A whole file that could not be loaded: no streams, one error at its first line. */
function fileProblem(file: string, code: Diagnostic['code'], message: string) {
  const diagnostic: Diagnostic = { file, line: 1, column: 1, code, severity: 'error', message };
  return { streams: [] as LoadedStream[], tags: 0, diagnostics: [diagnostic] };
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
  const configFile = loaded.file ?? '.imagestreams.yaml';
  const configProblem = (message: string): Diagnostic => ({
    file: configFile,
    line: 1,
    column: 1,
    code: 'CONFIG_PATH_OUTSIDE',
    severity: 'error',
    message,
  });
  // The lock folder must resolve inside the repository: a link to outside would make runs write there.
  const lockEscape = await escapeOf(root, config.lockDir);
  if (lockEscape) diagnostics.push(configProblem(escapeMessage(lockEscape, 'lockDir')));
  let entries = explicit ? opts.paths! : config.declarations;
  if (!explicit) {
    const inside: string[] = [];
    for (const [i, d] of entries.entries()) {
      const staticPart = d
        .split('/')
        .filter((_p, k, all) => !all.slice(0, k + 1).some((x) => /[*?[]/.test(x)));
      const e = await escapeOf(root, staticPart.join('/') || '.');
      if (e) diagnostics.push(configProblem(escapeMessage(e, `declarations[${i}]`)));
      else inside.push(d);
    }
    entries = inside;
  }
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
    diagnostics.push({
      file: m,
      line: 1,
      column: 1,
      code: 'PATH_NOT_FOUND',
      severity: explicit ? 'error' : 'warning',
      message: explicit
        ? 'no such file or folder'
        : `declarations entry "${m}" (${loaded.file ?? 'config'}) matches no file: fix the path or remove it`,
    });
  }
  const perFile = new Map<
    string,
    { streams: LoadedStream[]; partial?: LoadedStream[]; diagnostics: Diagnostic[]; tags: number }
  >();
  let totalBytes = 0;
  const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
  await mapLimit(discovered.files, 32, async (abs) => {
    const file = toPosixRelative(root, abs);
    try {
      // Found through the config: a file reached through a link to outside the repository is not read.
      const e = explicit ? undefined : await escapeOf(root, file);
      if (e) {
        perFile.set(abs, fileProblem(file, 'PATH_OUTSIDE_REPOSITORY', escapeMessage(e, 'declaration file')));
        return;
      }
      const r = await read(abs, MAX_DECLARATION_BYTES);
      if (!r.ok) {
        perFile.set(
          abs,
          r.reason === 'too-large'
            ? fileProblem(
                file,
                'FILE_TOO_LARGE',
                `file is over the ${mb(MAX_DECLARATION_BYTES)} limit for a declaration: split it into several files`,
              )
            : fileProblem(
                file,
                'NOT_A_FILE',
                `${r.type}, not a regular file: declarations must be YAML or JSON files; remove it from declarations`,
              ),
        );
        return;
      }
      totalBytes += r.bytes.length;
      if (totalBytes > MAX_DECLARATIONS_TOTAL_BYTES) {
        perFile.set(
          abs,
          fileProblem(
            file,
            'DECLARATIONS_TOO_LARGE',
            `declarations add up to more than ${mb(MAX_DECLARATIONS_TOTAL_BYTES)}; this file was not parsed: remove large or stray files from the declarations folders`,
          ),
        );
        return;
      }
      perFile.set(abs, parseDeclarations(file, r.bytes, { defaultNamespace: config.namespace }));
    } catch (e) {
      perFile.set(abs, fileProblem(file, 'READ_FAILED', `cannot read the file: ${(e as Error).message}`));
    }
  });
  const streams: LoadedStream[] = [];
  const partial: LoadedStream[] = [];
  let tags = 0;
  for (const abs of discovered.files) {
    const r = perFile.get(abs)!;
    streams.push(...r.streams);
    partial.push(...(r.partial ?? []));
    diagnostics.push(...r.diagnostics);
    tags += r.tags;
  }
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
