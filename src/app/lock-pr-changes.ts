// Which streams a pull request's declaration edits touch, read from git: the declaration files that differ between
// the merge base and the head (files the head loads, or deleted files the config's entries would load), parsed on
// both sides and compared stream by stream (src/plan/declaration-diff.ts).

import { changedPaths } from '../git/history.js';
import { readTextAt } from '../git/read-branch.js';
import type { GitRepo } from '../git/repo.js';
import { parseDeclarations } from '../loader/declarations.js';
import { matchesDeclarations } from '../loader/declared-path.js';
import type { LoadedProject } from '../loader/load.js';
import { type DeclarationDiff, type DeclaredStream, diffDeclarations } from '../plan/declaration-diff.js';

/** The streams the pull request added or edited, and those it removed, between `base` and `head`. */
export async function declarationChanges(
  repo: GitRepo,
  project: LoadedProject,
  base: string,
  head: string,
): Promise<DeclarationDiff> {
  const loaded = new Set(project.files);
  const files = (await changedPaths(repo, base, head)).filter(
    (p) => loaded.has(p) || matchesDeclarations(p, project.config.declarations),
  );
  const side = async (commit: string): Promise<DeclaredStream[]> => {
    const out: DeclaredStream[] = [];
    for (const file of files) {
      const text = await readTextAt(repo, commit, file);
      if (text === undefined) continue;
      const parsed = parseDeclarations(file, text, { defaultNamespace: project.config.namespace });
      for (const s of [...parsed.streams, ...parsed.partial]) {
        out.push({ id: `${s.namespace}/${s.name}`, object: s.object });
      }
    }
    return out;
  };
  const declared = new Set(project.streams.map((s) => `${s.namespace}/${s.name}`));
  return diffDeclarations(await side(base), await side(head), declared);
}
