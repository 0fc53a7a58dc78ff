// Golden directories (`<case>/{before,after}/`) as lists of files: the one walker the golden tests share.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every file under `dir` as a `/`-separated path relative to it, depth first with each directory's entries
 * sorted by name; none when `dir` does not exist. Links are listed as files, not followed.
 */
export function treeFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out;
}

/** Every file under `dir` with its text, in treeFiles order. */
export function readTree(dir: string): { path: string; text: string }[] {
  return treeFiles(dir).map((path) => ({ path, text: readFileSync(join(dir, path), 'utf8') }));
}
