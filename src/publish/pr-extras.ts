// What a group's pull request is decorated with beyond its text: the republished label, and whether GitHub
// auto-merges it (`autoMerge`, or with `autoMergeOnly: digest` only digest-only soaked changes, see
// plan/auto-merge.ts).

import type { MergeMethod } from '../github/auto-merge.js';
import { digestOnlyAfterSoak } from '../plan/auto-merge.js';
import { REPUBLISHED_LABEL, republishedTags } from '../render/republished.js';
import type { GroupContent } from './content.js';
import type { PublishGroup, PullRequestExtras } from './types.js';

/**
 * The PR's auto-merge: the configured method for every PR, or with `autoMergeOnly: digest` only for a digest-only
 * change whose digests soaked (managed: turned off again when it stops qualifying). `autoMerge: false` is unset.
 * A PR that moves a republished release tag (an alarm) never gets it.
 */
export function autoMergeOf(
  extras: PullRequestExtras,
  g: PublishGroup,
  content: GroupContent,
): { autoMerge?: MergeMethod; manageAutoMerge?: boolean } {
  const method = extras.autoMerge;
  if (!method) return {};
  if (extras.autoMergeOnly !== 'digest') {
    const alarm = republishedTags(content.changes.flatMap((c) => c.tags)).length > 0;
    return alarm ? {} : { autoMerge: method };
  }
  const verdict = digestOnlyAfterSoak({
    changes: content.changes,
    notes: content.notes,
    declarations: g.compose?.allDeclarations ?? new Map(),
  });
  return verdict.ok ? { autoMerge: method, manageAutoMerge: true } : { manageAutoMerge: true };
}

/** The configured labels, and `imagestreams:republished` when a tag named like a release moved. */
export function withRepublishedLabel(
  labels: string[] | undefined,
  changes: GroupContent['changes'],
): { labels?: string[] } {
  const republished = republishedTags(changes.flatMap((c) => c.tags)).length > 0;
  const all = [...(labels ?? []), ...(republished ? [REPUBLISHED_LABEL] : [])];
  return all.length > 0 ? { labels: [...new Set(all)] } : {};
}
