// The pull requests of republished release tags: a group whose composed content left out a republished tag (see
// compose.ts) gets one more group per such tag, which composes only that tag, on its own branch.

import { omitUndefined } from '../util/omit-undefined.js';
import type { GroupContent } from './content.js';
import type { RunContext } from './group-context.js';
import { branchName } from './groups.js';
import type { PublishGroup } from './types.js';

/**
 * The republished-tag groups of `g`: one per release-named tag that was republished now (its PR is opened or
 * updated) or whose branch is still on the remote (its PR is closed once nothing is left to propose). Each
 * composes only its tag, from the same inputs as `g`.
 */
export function republishedGroups(
  run: RunContext,
  g: PublishGroup,
  content: GroupContent | undefined,
): PublishGroup[] {
  const prefix = g.republishedPrefix;
  if (!prefix || !g.compose || !content) return [];
  const now = new Set((content.republished ?? []).map((t) => `${t.namespace}/${t.stream}:${t.tag}`));
  const out: PublishGroup[] = [];
  for (const t of content.releaseTags ?? []) {
    const id = `${t.namespace}/${t.stream}`;
    const key = `${id}:${t.tag}`;
    const branch = branchName(prefix, `${t.namespace}/${t.stream}/${t.tag}`);
    if (!now.has(key) && !run.remote.branches.has(branch)) continue;
    out.push({
      key,
      branch,
      files: [],
      streams: [id],
      changes: [],
      consumers: [],
      ...omitUndefined({ pr: g.pr }),
      compose: {
        ...g.compose,
        streams: g.compose.streams.filter((s) => `${s.namespace}/${s.stream}` === id),
        declarationFiles: [],
        republished: { tag: t.tag },
      },
    });
  }
  return out;
}
