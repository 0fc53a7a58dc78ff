// The file-system edge of the consumers: list the repository's text files that may hold consumers.
// fs is injected (node:fs/promises fits); the byte scan runs on raw bytes so most files are never decoded.

import { isCandidateBytes } from './scan.js';

/** The parts of `node:fs/promises` the walk uses. */
export interface WalkFs {
  readdir(
    path: string,
    opts: { withFileTypes: true },
  ): Promise<{ name: string; isDirectory(): boolean; isFile(): boolean }[]>;
  stat(path: string): Promise<{ size: number }>;
  readFile(path: string): Promise<Uint8Array>;
}

/** Options of walkRepository; defaults in DEFAULT_WALK. */
export interface WalkOptions {
  /** Absolute repository root. */
  root: string;
  fs: WalkFs;
  /** Directory names skipped at any depth. */
  skipDirs?: readonly string[];
  /** Files larger than this are skipped (bytes). */
  maxBytes?: number;
  /** Keep only files the byte scan marks as candidates (default true). */
  candidatesOnly?: boolean;
  /** Parallel reads. */
  concurrency?: number;
  /** Repository-relative paths (files or directories) to leave out, e.g. from config. */
  ignore?: (path: string) => boolean;
  /** Further byte-scan needles (the short names of image lookup, LocalLookup.needles). */
  needles?: readonly string[];
}

/** The defaults, in one place. */
export const DEFAULT_WALK = {
  skipDirs: ['.git', 'node_modules', 'build', 'dist'],
  maxBytes: 1024 * 1024,
  candidatesOnly: true,
  concurrency: 32,
} as const;

/** What the walk saw: candidate files (repository-relative paths) and counts for reporting. */
export interface WalkResult {
  files: { path: string; text: string }[];
  /** Every regular file looked at. */
  seen: number;
  skipped: { large: number; binary: number };
}

/** What the walk counted (WalkResult without the files). */
export type WalkCounts = Omit<WalkResult, 'files'>;

/** Recursively read the repository's text files (skipping SKIP dirs, binaries and large files), sorted by path. */
export async function walkRepository(options: WalkOptions): Promise<WalkResult> {
  const texts: (WalkResult['files'][number] | undefined)[] = [];
  const counts = await visitRepository(options, (file, index) => {
    texts[index] = file;
  });
  return { files: texts.filter((f) => f !== undefined), ...counts };
}

/**
 * The walk without holding the files: `visit` gets each candidate file as soon as it is read (in no particular
 * order; `index` is its rank in path order, for callers that put results back in order). A file's text is
 * dropped once its visit settles, so at most `concurrency` texts are alive at once, whatever the repository's size.
 */
export async function visitRepository(
  options: WalkOptions,
  visit: (file: { path: string; text: string }, index: number) => void | Promise<void>,
): Promise<WalkCounts> {
  const opts = { ...DEFAULT_WALK, ...options };
  const paths = await listPaths(opts);
  const needles = (opts.needles ?? []).map((n) => Buffer.from(n, 'utf8'));
  const counts: WalkCounts = { seen: paths.length, skipped: { large: 0, binary: 0 } };
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      const abs = `${opts.root}/${paths[i]}`;
      const st = await opts.fs.stat(abs);
      if (st.size > opts.maxBytes) {
        counts.skipped.large++;
        continue;
      }
      const bytes = await opts.fs.readFile(abs);
      if (isBinary(bytes)) {
        counts.skipped.binary++;
        continue;
      }
      if (opts.candidatesOnly && !isCandidateBytes(bytes, needles)) continue;
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      await visit({ path: paths[i]!, text }, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  return counts;
}

/** Every file path under the root (repository-relative), sorted, skipping SKIP dirs and ignored paths. */
async function listPaths(opts: WalkOptions & { skipDirs: readonly string[] }): Promise<string[]> {
  const skip = new Set<string>(opts.skipDirs);
  const paths: string[] = [];
  const listDir = async (rel: string): Promise<void> => {
    const entries = await opts.fs.readdir(rel ? `${opts.root}/${rel}` : opts.root, { withFileTypes: true });
    const subdirs: string[] = [];
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (opts.ignore?.(p)) continue;
      if (e.isDirectory()) {
        if (!skip.has(e.name)) subdirs.push(p);
      } else if (e.isFile()) paths.push(p);
    }
    await Promise.all(subdirs.map(listDir));
  };
  await listDir('');
  return paths.sort();
}

/** A NUL byte in the first 8000 bytes marks a binary file (as git decides). */
function isBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8000);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}
