// Required platforms (`imagestreams.dev/required-platforms`): a new digest whose index lacks a platform the tag
// requires is not proposed. With a locked image, the lock keeps it and records the digest as pending with reason
// `MissingPlatform` and the platforms it lacks; a first import fails the tag. Platforms compare normalised
// (`arm64` = `arm64/v8`, `aarch64` = `arm64`). Pure: outcomes and locks in, the outcomes to apply and records out.

import type { PendingImage } from '../model/lock.js';
import { formatPlatform, normalizePlatform, type PlatformSpec, parsePlatform } from '../model/platform.js';
import type { TagOutcome } from './history.js';
import type { SoakTag } from './soak.js';

/** The tag annotation listing required platforms, e.g. `linux/amd64,linux/arm64`. */
export const REQUIRED_PLATFORMS = 'imagestreams.dev/required-platforms';

/** The reason recorded (pending) or reported (failed first import) for a digest that lacks a required platform. */
export const MISSING_PLATFORM = 'MissingPlatform';

/** The platforms of an annotation value, or the entries that are not `os/arch[/variant]`. */
export function parseRequiredPlatforms(text: string): { platforms: PlatformSpec[]; invalid: string[] } {
  const platforms: PlatformSpec[] = [];
  const invalid: string[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const p = parsePlatform(part);
    if (p) platforms.push(p);
    else invalid.push(part);
  }
  return { platforms, invalid };
}

/** The required platforms (formatted, normalised) that `have` lacks. */
export function missingPlatforms(
  required: readonly PlatformSpec[],
  have: readonly { os: string; architecture: string; variant?: string }[],
): string[] {
  const present = new Set(have.map((p) => formatPlatform(normalizePlatform(p))));
  return [...new Set(required.map((r) => formatPlatform(normalizePlatform(r))))].filter(
    (r) => !present.has(r),
  );
}

/** What the gate decided: digests held back (pending), first imports failed, and pending records to drop. */
export interface PlatformGate {
  pending: Map<string, PendingImage>;
  failed: Map<string, { reason: typeof MISSING_PLATFORM; message: string }>;
  settled: Set<string>;
}

/**
 * Hold back every new digest that lacks a required platform: its outcome is removed (the lock keeps the current
 * image) and a pending record names the missing platforms; a first import becomes a failure. A digest that is
 * not an index has no platform list and so lacks every required platform.
 */
export function holdMissingPlatforms(
  tags: readonly SoakTag[],
  outcomes: Map<string, TagOutcome>,
  now: string,
): PlatformGate {
  const gate: PlatformGate = { pending: new Map(), failed: new Map(), settled: new Set() };
  for (const t of tags) {
    const text = t.annotations?.[REQUIRED_PLATFORMS];
    const outcome = outcomes.get(t.key);
    if (text === undefined || !outcome?.ok) continue;
    const current = t.lock?.items[0];
    const wasHeld = t.lock?.pending?.reason === MISSING_PLATFORM;
    if (current && outcome.item.image === current.image) {
      if (wasHeld) gate.settled.add(t.key);
      continue;
    }
    const missing = missingPlatforms(parseRequiredPlatforms(text).platforms, outcome.item.platforms ?? []);
    if (missing.length === 0) {
      if (wasHeld) gate.settled.add(t.key);
      continue;
    }
    const lacks = `${outcome.item.image} lacks the required platform${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (${REQUIRED_PLATFORMS}: ${text})`;
    if (!current) {
      outcomes.set(t.key, { ok: false, reason: MISSING_PLATFORM, message: `${lacks}: not imported` });
      gate.failed.set(t.key, { reason: MISSING_PLATFORM, message: `${lacks}: not imported` });
      continue;
    }
    outcomes.delete(t.key);
    const seen = wasHeld && t.lock?.pending?.image === outcome.item.image ? t.lock.pending.firstSeen : now;
    gate.pending.set(t.key, {
      image: outcome.item.image,
      dockerImageReference: outcome.item.dockerImageReference,
      firstSeen: seen,
      reason: MISSING_PLATFORM,
      message: `${lacks}; the lock keeps ${current.image}`,
      missingPlatforms: missing,
    });
  }
  return gate;
}
