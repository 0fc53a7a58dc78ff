// Where a project's root is, found the way git finds a repository: from the working directory up to the first
// folder holding the config or `.git`. A working directory that does not exist is an error, never "0 files".

import { dirname, join, resolve } from 'node:path';
import { CONFIG_FILE } from '../config/config.js';

/** The one call root discovery makes: `stat`, rejecting when the path does not exist. */
export interface StatFs {
  stat(path: string): Promise<{ isDirectory(): boolean }>;
}

/** The default declarations folder: a working directory holding it is a root already. */
const DEFAULT_DECLARATIONS = 'imagestreams';

/** A found root, and what marked it (for messages that say where the tool looked). */
export type ProjectRoot =
  | { root: string; markedBy: 'config' | 'git' | 'declarations' | 'cwd' }
  | { missing: string; reason: 'not-found' | 'not-a-directory' };

async function kind(fs: StatFs, path: string): Promise<'dir' | 'file' | undefined> {
  try {
    return (await fs.stat(path)).isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

/**
 * The project root for `cwd`: `cwd` itself when it holds the config, `.git` or the default `imagestreams/`
 * folder; else the nearest parent holding the config or `.git`; else `cwd`.
 */
export async function findProjectRoot(fs: StatFs, cwd: string): Promise<ProjectRoot> {
  const start = resolve(cwd);
  const k = await kind(fs, start);
  if (k !== 'dir') return { missing: start, reason: k === undefined ? 'not-found' : 'not-a-directory' };
  const marker = async (dir: string): Promise<'config' | 'git' | undefined> => {
    if ((await kind(fs, join(dir, CONFIG_FILE))) === 'file') return 'config';
    if ((await kind(fs, join(dir, '.git'))) !== undefined) return 'git';
    return undefined;
  };
  const here = await marker(start);
  if (here) return { root: start, markedBy: here };
  if ((await kind(fs, join(start, DEFAULT_DECLARATIONS))) === 'dir')
    return { root: start, markedBy: 'declarations' };
  for (let dir = dirname(start); ; dir = dirname(dir)) {
    const m = await marker(dir);
    if (m) return { root: dir, markedBy: m };
    if (dirname(dir) === dir) break;
  }
  return { root: start, markedBy: 'cwd' };
}
