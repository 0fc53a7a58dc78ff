// Find declaration files: folders at any depth (.yaml, .yml, .json) or globs, skipping .git and node_modules.

import { join, relative, sep } from 'node:path';

/** The directory-listing part of `fs.promises` discovery needs (injectable for tests). */
export interface ListFs {
  readdir(
    path: string,
    opts: { withFileTypes: true },
  ): Promise<{ name: string; isDirectory(): boolean; isFile(): boolean }[]>;
  stat(path: string): Promise<{ isDirectory(): boolean; isFile(): boolean; size: number }>;
}

const SKIP_DIRS = new Set(['.git', 'node_modules']);
const DECLARATION_EXT = /\.(ya?ml|json)$/i;

/** True when a declarations entry is a glob rather than a folder or file. */
export function isGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

/** A glob (`**`, `*`, `?`, `[…]`) as an anchored regular expression over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** `/`-separated path of `abs` relative to `root` (as given when outside it). */
export function toPosixRelative(root: string, abs: string): string {
  const rel = relative(root, abs);
  return (rel === '' ? '.' : rel).split(sep).join('/');
}

async function walk(fs: ListFs, dir: string, out: string[]): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) await walk(fs, p, out);
    } else if (e.isFile() && DECLARATION_EXT.test(e.name)) out.push(p);
  }
}

/** Result of discovery: absolute file paths (sorted, unique) and entries that matched nothing. */
export interface Discovered {
  files: string[];
  missing: string[];
}

/**
 * Expand entries (relative to `base`): a file is taken as is (any extension), a folder is searched at any
 * depth, a glob matches relative paths under its static prefix.
 */
export async function discoverFiles(
  fs: ListFs,
  base: string,
  entries: readonly string[],
): Promise<Discovered> {
  const files = new Set<string>();
  const missing: string[] = [];
  for (const entry of entries) {
    if (isGlob(entry)) {
      const parts = entry.split('/');
      const staticParts: string[] = [];
      for (const p of parts) {
        if (isGlob(p)) break;
        staticParts.push(p);
      }
      const dir = join(base, ...staticParts);
      const re = globToRegExp(entry.replace(/^\.\//, ''));
      const found: string[] = [];
      try {
        await walk(fs, dir, found);
      } catch {
        missing.push(entry);
        continue;
      }
      const matched = found.filter((f) => re.test(toPosixRelative(base, f)));
      if (matched.length === 0) missing.push(entry);
      for (const f of matched) files.add(f);
      continue;
    }
    const abs = join(base, entry);
    let st: Awaited<ReturnType<ListFs['stat']>>;
    try {
      st = await fs.stat(abs);
    } catch {
      missing.push(entry);
      continue;
    }
    if (st.isDirectory()) {
      const found: string[] = [];
      await walk(fs, abs, found);
      for (const f of found) files.add(f);
    } else files.add(abs);
  }
  return { files: [...files].sort(), missing };
}
