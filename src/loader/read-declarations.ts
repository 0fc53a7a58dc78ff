// Reads and parses the declaration files a project found, in parallel, under a per-file and a total size cap.

import type { DirChecks, readRegular } from '../fs/inside.js';
import { escapeMessage, escapeOf } from '../fs/inside.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { LoadedStream } from '../model/stream.js';
import { mapLimit } from '../util/map-limit.js';
import { parseDeclarations } from './declarations.js';
import { toPosixRelative } from './discover.js';
import { MAX_DECLARATION_BYTES, MAX_DECLARATIONS_TOTAL_BYTES } from './source.js';

/** What reading needs: the root, the reader, and whether the files were given explicitly (not via the config). */
export interface ReadDeclarationsOptions {
  root: string;
  read: typeof readRegular;
  explicit: boolean;
  defaultNamespace: string;
  /** Folder checks shared by the load (see DirChecks). */
  dirs?: DirChecks;
}

/** What one file yielded (a file that could not be read: one error, nothing else). */
interface FileResult {
  streams: LoadedStream[];
  partial?: LoadedStream[];
  diagnostics: Diagnostic[];
  tags: number;
}

/** Every file's streams, partial streams, diagnostics and tag count, joined in the order of `files`. */
export async function readDeclarations(
  files: readonly string[],
  opts: ReadDeclarationsOptions,
): Promise<{ streams: LoadedStream[]; partial: LoadedStream[]; diagnostics: Diagnostic[]; tags: number }> {
  const perFile = new Map<string, FileResult>();
  const budget = { totalBytes: 0 };
  await mapLimit(files, 32, async (abs) => {
    perFile.set(abs, await readOne(abs, opts, budget));
  });
  const out = {
    streams: [] as LoadedStream[],
    partial: [] as LoadedStream[],
    diagnostics: [] as Diagnostic[],
    tags: 0,
  };
  for (const abs of files) {
    const r = perFile.get(abs)!;
    out.streams.push(...r.streams);
    out.partial.push(...(r.partial ?? []));
    out.diagnostics.push(...r.diagnostics);
    out.tags += r.tags;
  }
  return out;
}

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

async function readOne(
  abs: string,
  opts: ReadDeclarationsOptions,
  budget: { totalBytes: number },
): Promise<FileResult> {
  const file = toPosixRelative(opts.root, abs);
  try {
    // Found through the config: a file reached through a link to outside the repository is not read.
    const e = opts.explicit
      ? undefined
      : await escapeOf(opts.root, file, opts.dirs ? { dirs: opts.dirs } : {});
    if (e) return fileProblem(file, 'PATH_OUTSIDE_REPOSITORY', escapeMessage(e, 'declaration file'));
    const r = await opts.read(abs, MAX_DECLARATION_BYTES);
    if (!r.ok) {
      return r.reason === 'too-large'
        ? fileProblem(
            file,
            'FILE_TOO_LARGE',
            `file is over the ${mb(MAX_DECLARATION_BYTES)} limit for a declaration: split it into several files`,
          )
        : fileProblem(
            file,
            'NOT_A_FILE',
            `${r.type}, not a regular file: declarations must be YAML or JSON files; remove it from declarations`,
          );
    }
    budget.totalBytes += r.bytes.length;
    if (budget.totalBytes > MAX_DECLARATIONS_TOTAL_BYTES) {
      return fileProblem(
        file,
        'DECLARATIONS_TOO_LARGE',
        `declarations add up to more than ${mb(MAX_DECLARATIONS_TOTAL_BYTES)}; this file was not parsed: remove large or stray files from the declarations folders`,
      );
    }
    return parseDeclarations(file, r.bytes, { defaultNamespace: opts.defaultNamespace });
  } catch (e) {
    return fileProblem(file, 'READ_FAILED', `cannot read the file: ${(e as Error).message}`);
  }
}

/** A whole file that could not be loaded: no streams, one error at its first line. */
function fileProblem(file: string, code: Diagnostic['code'], message: string): FileResult {
  const diagnostic: Diagnostic = { file, line: 1, column: 1, code, severity: 'error', message };
  return { streams: [], tags: 0, diagnostics: [diagnostic] };
}
