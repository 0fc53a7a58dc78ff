// Whether a repository-relative path is one the config's `declarations` entries would load, decided from the path
// alone: the lock-PR check asks it of files a pull request deleted, which discovery can no longer list.

import { globToRegExp, isGlob } from './discover.js';

const DECLARATION_EXT = /\.(ya?ml|json)$/i;
const SKIP_DIRS = new Set(['.git', 'node_modules']);

/** True when `path` (`/`-separated, relative to the project root) matches an entry as discovery would find it. */
export function matchesDeclarations(path: string, entries: readonly string[]): boolean {
  const parts = path.split('/');
  if (parts.slice(0, -1).some((p) => SKIP_DIRS.has(p))) return false;
  for (const raw of entries) {
    const entry = raw.replace(/^\.\//, '').replace(/\/+$/, '');
    if (isGlob(entry)) {
      if (DECLARATION_EXT.test(path) && globToRegExp(entry).test(path)) return true;
    } else if (path === entry) return true;
    else if ((entry === '.' || entry === '' || path.startsWith(`${entry}/`)) && DECLARATION_EXT.test(path))
      return true;
  }
  return false;
}
