// The reviewer's lines for a policy's new choice and a digest held back (soak, a missing required platform). Pure.

import type { MissingPlatformNote, SelectionNote, SoakingNote } from '../plan/selection-note.js';
import { codeSpan } from './markdown.js';

export function soakingNoteLine(n: SoakingNote): string {
  return (
    `${codeSpan(n.tag, 300)}: new digest ${codeSpan(n.image, 80)} is soaking (first seen ${codeSpan(n.firstSeen, 40)}); ` +
    `eligible at ${codeSpan(n.eligibleAt, 40)}, the first run after that proposes it.`
  );
}

/** `ns/app:web` follows `semver ^1.4`: `1.4.2` → `1.5.0` (`sha256:…` → `sha256:…`). */
export function selectionNoteLine(n: SelectionNote): string {
  const digests =
    n.fromDigest || n.toDigest
      ? ` (${codeSpan(n.fromDigest ?? '(none)', 80)} → ${codeSpan(n.toDigest ?? '(none)', 80)})`
      : '';
  return (
    `${codeSpan(n.tag, 300)} follows the tag policy ${codeSpan(n.policy, 300)}: ` +
    `${codeSpan(n.was ?? '(none)', 130)} → ${codeSpan(n.now, 130)}${digests}.`
  );
}

/** `ns/app:web`: new digest `sha256:…` lacks `linux/arm64`; not proposed, the lock keeps `sha256:…`. */
export function missingPlatformNoteLine(n: MissingPlatformNote): string {
  const missing = n.missing.map((m) => codeSpan(m, 80)).join(', ');
  return (
    `${codeSpan(n.tag, 300)}: new digest ${codeSpan(n.image, 80)} lacks the required ${missing}; not proposed` +
    `${n.kept ? `, the lock keeps ${codeSpan(n.kept, 80)}` : ''}.`
  );
}
