// The reviewer's line for a tag selection policy's new choice: "1.4.2 → 1.5.0" with the digests. Pure.

import type { LockTag } from '../model/lock.js';

/** A policy chose another upstream tag between base and branch. */
export interface SelectionNote {
  kind: 'selected';
  /** `ns/stream:tag`. */
  tag: string;
  policy: string;
  was?: string;
  now: string;
  fromDigest?: string;
  toDigest?: string;
}

/** The note when the branch's lock records another policy choice than the base's; undefined otherwise. */
export function selectionNote(
  tag: string,
  base: LockTag | undefined,
  branch: LockTag | undefined,
): SelectionNote | undefined {
  const now = branch?.selection;
  if (!now || now.tag === base?.selection?.tag) return undefined;
  const note: SelectionNote = { kind: 'selected', tag, policy: now.policy, now: now.tag };
  const was = base?.selection?.tag;
  if (was) note.was = was;
  const from = base?.items[0]?.image;
  const to = branch?.items[0]?.image;
  if (from) note.fromDigest = from;
  if (to) note.toDigest = to;
  return note;
}

/** A digest the branch's lock holds back (soak), newly or with another digest than the base. */
export interface SoakingNote {
  kind: 'soaking';
  tag: string;
  image: string;
  firstSeen: string;
  eligibleAt: string;
}

/** The soaking note of one tag: when the branch lock records a pending digest the base does not. */
export function soakingNote(
  tag: string,
  base: LockTag | undefined,
  branch: LockTag | undefined,
): SoakingNote | undefined {
  const p = branch?.pending;
  if (!p || p.reason !== 'Soaking' || !p.eligibleAt || p.image === base?.pending?.image) return undefined;
  return { kind: 'soaking', tag, image: p.image, firstSeen: p.firstSeen, eligibleAt: p.eligibleAt };
}

/** `ns/app:web`: `sha256:…` first seen …, eligible at …. */

/** A digest the branch's lock holds back because it lacks a required platform (`imagestreams.dev/required-platforms`). */
export interface MissingPlatformNote {
  kind: 'missing-platform';
  tag: string;
  image: string;
  missing: string[];
  kept?: string;
}

/** The note of one tag: when the branch lock records a digest lacking platforms that the base does not. */
export function missingPlatformNote(
  tag: string,
  base: LockTag | undefined,
  branch: LockTag | undefined,
): MissingPlatformNote | undefined {
  const p = branch?.pending;
  if (!p || p.reason !== 'MissingPlatform' || p.image === base?.pending?.image) return undefined;
  const kept = branch?.items[0]?.image;
  return {
    kind: 'missing-platform',
    tag,
    image: p.image,
    missing: p.missingPlatforms ?? [],
    ...(kept ? { kept } : {}),
  };
}
