// Read and schema-check the project config file; a missing file means all defaults.

import { join, resolve } from 'node:path';
import { escapeMessage, escapeOf, type RegularRead, staysInside } from '../fs/inside.js';
import { schemaProblems, validator } from '../loader/schemas.js';
import { decodeText, parseSource, positionAt } from '../loader/source.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { parseScheduleWindow } from '../policy/schedule-window.js';
import { CONFIG_FILE, type Config, type RawConfig, resolveConfig } from './config.js';

/** The file-reading part of `fs.promises` the loaders need (injectable for tests). */
export interface ReadFs {
  readFile(path: string): Promise<Uint8Array>;
}

/** The config in effect, where it came from, and its problems (config then holds defaults). */
export interface LoadedConfig {
  config: Config;
  /** Path as given or found (undefined: no file, defaults). */
  file?: string;
  diagnostics: Diagnostic[];
}

/** Largest config file read (bytes read): it holds settings. */
export const MAX_CONFIG_BYTES = 256 * 1024;

/** Keys that would reach an object's prototype when the config is turned into objects. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Paths (with their key) of every forbidden key in a parsed value. */
function forbiddenKeys(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []) {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) forbiddenKeys(v, [...path, i], out);
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(k)) out.push([...path, k]);
      else forbiddenKeys((value as Record<string, unknown>)[k], [...path, k], out);
    }
  }
  return out;
}

/** Config paths that leave the repository by their text alone (`..`, absolute). */
function escapingPaths(raw: RawConfig | null): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  if (typeof raw?.lockDir === 'string' && !staysInside(raw.lockDir.replace(/\/+$/, ''))) {
    out.push({
      path: ['lockDir'],
      message: `lockDir "${raw.lockDir}" is outside the repository: give a folder relative to the repository root, without "..", e.g. "imagestreams.lock"`,
    });
  }
  (raw?.declarations ?? []).forEach((d, i) => {
    if (typeof d === 'string' && !staysInside(d)) {
      out.push({
        path: ['declarations', i],
        message: `declarations[${i}] "${d}" is outside the repository: give a folder or glob relative to the repository root, without "..", e.g. "imagestreams"`,
      });
    }
  });
  return out;
}

/** The parser's codes as the config's own (the same problems, named for the config file). */
const CONFIG_CODE: Partial<Record<Diagnostic['code'], Diagnostic['code']>> = {
  YAML_SYNTAX: 'CONFIG_YAML_SYNTAX',
  DUPLICATE_KEY: 'CONFIG_DUPLICATE_KEY',
  ALIAS_LIMIT: 'CONFIG_ALIAS_LIMIT',
};

/** Parse and validate config text; problems are diagnostics against `file`. */
export function parseConfig(file: string, content: Uint8Array | string): LoadedConfig {
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    const d = decodeText(file, content);
    if ('diagnostic' in d) return { config: resolveConfig(), file, diagnostics: [d.diagnostic] };
    text = d.text;
  }
  const src = parseSource(file, text);
  const diagnostics: Diagnostic[] = src.diagnostics.map((d) => ({
    ...d,
    code: CONFIG_CODE[d.code] ?? d.code,
  }));
  const first = src.docs[0];
  if (src.docs.length > 1) {
    const p = positionAt(src, src.docs[1]!.doc, []);
    diagnostics.push({
      file,
      ...p,
      code: 'CONFIG_SCHEMA',
      severity: 'error',
      message: 'the config file must hold a single YAML document',
    });
  }
  if (!first || diagnostics.length > 0) return { config: resolveConfig(), file, diagnostics };
  const forbidden = forbiddenKeys(first.value);
  if (forbidden.length > 0) {
    for (const path of forbidden) {
      diagnostics.push({
        file,
        ...positionAt(src, first.doc, path, true),
        code: 'CONFIG_FORBIDDEN_KEY',
        severity: 'error',
        message: `key "${path.at(-1)}" (at ${path.join('.')}) is not allowed anywhere in the config: it could change how the config is read; remove or rename it`,
      });
    }
    return { config: resolveConfig(), file, diagnostics };
  }
  const validate = validator('config');
  if (!validate(first.value)) {
    for (const pr of schemaProblems(validate.errors)) {
      diagnostics.push({
        file,
        ...positionAt(src, first.doc, pr.path, pr.atKey),
        code: 'CONFIG_SCHEMA',
        severity: 'error',
        message: pr.message,
      });
    }
    return { config: resolveConfig(), file, diagnostics };
  }
  const escaping = escapingPaths(first.value as RawConfig | null);
  if (escaping.length > 0) {
    for (const e of escaping) {
      diagnostics.push({
        file,
        ...positionAt(src, first.doc, e.path),
        code: 'CONFIG_PATH_OUTSIDE',
        severity: 'error',
        message: e.message,
      });
    }
    return { config: resolveConfig(), file, diagnostics };
  }
  const raw = first.value as RawConfig | null;
  diagnostics.push(
    ...settingProblems(raw, (path, atKey) => ({ file, ...positionAt(src, first.doc, path, atKey) })),
  );
  if (diagnostics.length > 0) return { config: resolveConfig(), file, diagnostics };
  return { config: resolveConfig(raw), file, diagnostics };
}

/**
 * What the schema cannot judge: signCommits in commit mode, and schedule windows of publish groups (an empty window,
 * an unknown time zone).
 */
function settingProblems(
  raw: RawConfig | null,
  at: (path: (string | number)[], atKey?: boolean) => Pick<Diagnostic, 'file' | 'line' | 'column'>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (raw?.publish?.signCommits === true && raw.publish.mode === 'commit') {
    out.push({
      ...at(['publish', 'signCommits'], true),
      code: 'CONFIG_CONFLICT',
      severity: 'error',
      message:
        'publish.signCommits works in pull-request mode only (commit mode pushes with git, which cannot make ' +
        'commits GitHub signs): set publish.mode to "pull-request", or remove signCommits',
    });
    return out;
  }
  for (const [i, g] of (raw?.publish?.groups ?? []).entries()) {
    const parsed = g.schedule ? parseScheduleWindow(g.schedule) : undefined;
    if (!parsed || !('error' in parsed)) continue;
    out.push({
      ...at(['publish', 'groups', i, 'schedule', parsed.at]),
      code: 'CONFIG_SCHEDULE',
      severity: 'error',
      message: `publish.groups[${i}] (${g.name}).schedule: ${parsed.error}`,
    });
  }
  return out;
}

function isNotFound(e: unknown): boolean {
  return (e as { code?: string })?.code === 'ENOENT' || (e as { code?: string })?.code === 'ENOTDIR';
}

/**
 * Load `<root>/.imagestreams.yaml`, or `configPath` (relative to cwd) when given; an explicit path that does not
 * exist is an error, a missing default file is not.
 */
export async function loadConfig(
  fs: ReadFs,
  opts: {
    root: string;
    configPath?: string;
    cwd?: string;
    /** Reads regular files only, at most `limit` bytes (the loader's reader); default fs.readFile. */
    read?: (path: string, limit: number) => Promise<RegularRead>;
  },
): Promise<LoadedConfig> {
  const explicit = opts.configPath !== undefined;
  const path = explicit ? resolve(opts.cwd ?? opts.root, opts.configPath!) : join(opts.root, CONFIG_FILE);
  const shown = explicit ? opts.configPath! : CONFIG_FILE;
  const problem = (code: Diagnostic['code'], message: string): LoadedConfig => ({
    config: resolveConfig(),
    file: shown,
    diagnostics: [{ file: shown, line: 1, column: 1, code, severity: 'error', message }],
  });
  // The repository's own config may not be a link to a file outside it.
  const outside = explicit ? undefined : await escapeOf(opts.root, CONFIG_FILE);
  if (outside) return problem('CONFIG_PATH_OUTSIDE', escapeMessage(outside, 'the config file'));
  let bytes: Uint8Array;
  try {
    if (opts.read) {
      const r = await opts.read(path, MAX_CONFIG_BYTES);
      if (!r.ok) {
        return problem(
          'CONFIG_UNREADABLE',
          r.reason === 'too-large'
            ? `the config file is over ${MAX_CONFIG_BYTES / 1024} KB: it holds settings, not data; shorten it`
            : `the config file is ${r.type}, not a regular file: make it a YAML file`,
        );
      }
      bytes = r.bytes;
    } else bytes = await fs.readFile(path);
  } catch (e) {
    if (!explicit && isNotFound(e)) return { config: resolveConfig(), diagnostics: [] };
    return {
      config: resolveConfig(),
      file: shown,
      diagnostics: [
        {
          file: shown,
          line: 1,
          column: 1,
          code: 'CONFIG_NOT_FOUND',
          severity: 'error',
          message: isNotFound(e)
            ? `config file not found: check the --config path`
            : `cannot read the config file: ${(e as Error).message}`,
        },
      ],
    };
  }
  return parseConfig(shown, bytes);
}
