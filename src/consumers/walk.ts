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

/** Recursively read the repository's text files (skipping SKIP dirs, binaries and large files), sorted by path. */
export async function walkRepository(options: WalkOptions): Promise<WalkResult> {
  const opts = { ...DEFAULT_WALK, ...options };
  const skip = new Set(opts.skipDirs);
  const needles = (opts.needles ?? []).map((n) => Buffer.from(n, 'utf8'));
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
  paths.sort();
  const result: WalkResult = { files: [], seen: paths.length, skipped: { large: 0, binary: 0 } };
  const texts = new Array<string | undefined>(paths.length);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      const abs = `${opts.root}/${paths[i]}`;
      const st = await opts.fs.stat(abs);
      if (st.size > opts.maxBytes) {
        result.skipped.large++;
        continue;
      }
      const bytes = await opts.fs.readFile(abs);
      if (isBinary(bytes)) {
        result.skipped.binary++;
        continue;
      }
      if (opts.candidatesOnly && !isCandidateBytes(bytes, needles)) continue;
      texts[i] = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  texts.forEach((text, i) => {
    if (text !== undefined) result.files.push({ path: paths[i]!, text });
  });
  return result;
}

/** A NUL byte in the first 8000 bytes marks a binary file (as git decides). */
function isBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8000);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}
