// The immutable-tag alarm: a tag named like a release (`1.2.3`) whose digest changed was republished under the
// same version. The PR body opens with it (the first thing a reviewer reads) and the PR gets a label. Pure.

import type { TagChange } from '../plan/changes.js';
import { escapeCell } from './markdown.js';

/** The label on a pull request that moves a tag named like a release. */
export const REPUBLISHED_LABEL = 'imagestreams:republished';

/** Tags named like a release (`1.2.3`, `v1.2.3`, `1.2.3-r1`) are expected never to move. */
export function looksImmutable(tag: string): boolean {
  return /^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/.test(tag);
}

/** The moved tags that look immutable. */
export function republishedTags(tags: readonly TagChange[]): TagChange[] {
  return tags.filter((t) => t.kind === 'moved' && looksImmutable(t.tag));
}

/** The alarm block that opens the body; none when no release tag moved. */
export function republishedLines(tags: readonly TagChange[]): string[] {
  const moved = republishedTags(tags);
  if (moved.length === 0) return [];
  const lines = moved.map(
    (t) =>
      `> - \`${escapeCell(`${t.namespace}/${t.stream}:${t.tag}`)}\` looks like an immutable version tag, yet its ` +
      'digest changed: the image was republished under the same version. Check why before merging.',
  );
  return [
    '> [!CAUTION]',
    ...lines.slice(0, 20),
    ...(lines.length > 20 ? [`> - …and ${lines.length - 20} more`] : []),
    '',
  ];
}
