// Whether a pull request may merge itself under `publish.autoMerge: {only: digest}`: its change is digest-only (every
// tag moved to a new digest of the same source, no declaration edit or policy choice, no lost platform, no
// republished release tag, nothing held back) and every moved digest passed a soak (`imagestreams.dev/minimum-age`
// on the tag, or on the tag it follows; the reconciler proposes such a digest only once it has soaked). Pure.

import { MINIMUM_AGE, parseAge } from '../policy/soak.js';
import { followTarget, type StreamLike, splitTagKey, tagKey } from '../policy/tag-spec.js';
import { lostPlatforms } from '../render/pr-body.js';
import { republishedTags } from '../render/republished.js';
import type { DeclarationNote } from './branch-diff.js';
import type { StreamChange, TagChange } from './changes.js';

/** The verdict, with the first reason a PR does not qualify. */
export type AutoMergeVerdict = { ok: true } | { ok: false; reason: string };

/** What the verdict is computed from: a PR's diff and the declarations of every stream (by `ns/name`). */
export interface AutoMergeInput {
  changes: readonly StreamChange[];
  notes: readonly DeclarationNote[];
  declarations: ReadonlyMap<string, StreamLike>;
}

/** Whether the PR described by `input` is a digest-only bump whose digests all soaked. */
export function digestOnlyAfterSoak(input: AutoMergeInput): AutoMergeVerdict {
  const tags = input.changes.flatMap((c) => c.tags);
  if (tags.length === 0) return { ok: false, reason: 'it moves no tag' };
  const note = input.notes[0];
  if (note) return { ok: false, reason: `it carries more than digests (${note.kind} ${note.tag})` };
  for (const t of tags) {
    const name = tagKey(t.namespace, t.stream, t.tag);
    if (t.kind !== 'moved') return { ok: false, reason: `${name} is ${t.kind === 'new' ? 'new' : t.kind}` };
    if (lostPlatforms(t).length > 0) return { ok: false, reason: `${name} loses platforms` };
    if (!soaked(t, input.declarations)) {
      return { ok: false, reason: `${name} has no ${MINIMUM_AGE}, so its digest did not soak` };
    }
  }
  const republished = republishedTags(tags)[0];
  if (republished) return { ok: false, reason: `${republished.tag} was republished under the same version` };
  return { ok: true };
}

/** The tag (or a tag it follows, transitively) declares a minimum age. */
function soaked(t: TagChange, declarations: ReadonlyMap<string, StreamLike>): boolean {
  let key: string | undefined = tagKey(t.namespace, t.stream, t.tag);
  const seen = new Set<string>();
  while (key && !seen.has(key)) {
    seen.add(key);
    const ref = splitTagKey(key);
    const spec = declarations
      .get(`${ref.namespace}/${ref.stream}`)
      ?.spec?.tags?.find((x) => x.name === ref.tag);
    if (parseAge(spec?.annotations?.[MINIMUM_AGE] ?? '') !== undefined) return true;
    const next =
      spec?.from?.kind === 'ImageStreamTag' ? followTarget(ref.namespace, ref.stream, spec.from) : undefined;
    key = next ? tagKey(next.namespace, next.stream, next.tag) : undefined;
  }
  return false;
}
