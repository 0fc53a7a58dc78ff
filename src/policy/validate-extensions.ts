// Checks of this project's `imagestreams.dev/` tag annotations (tag selection policies, minimum-age,
// required-platforms), beyond the schema's "a string map": each problem at its annotation, with what to write
// instead. Pure.

import { tryParseReference } from '../model/reference.js';
import { type LoadedStream, type ObjectPath, streamTags } from '../model/stream.js';
import { parseRequiredPlatforms, REQUIRED_PLATFORMS } from './required-platforms.js';
import { MINIMUM_AGE, parseAge } from './soak.js';
import { hasTagPolicy, parseTagPolicy, TAG_POLICY } from './tag-selection.js';
import type { At } from './validate-openshift.js';

/** Check the extension annotations of every tag of one stream; reports through `at`. */
export function validateExtensions(s: LoadedStream, at: At): void {
  streamTags(s.object).forEach((t, i) => {
    const annotations = t.annotations ?? {};
    const path = (key: string): ObjectPath => ['spec', 'tags', i, 'annotations', key];
    const age = annotations[MINIMUM_AGE];
    if (age !== undefined && parseAge(age) === undefined) {
      at(
        s,
        path(MINIMUM_AGE),
        'INVALID_MINIMUM_AGE',
        `${MINIMUM_AGE} "${age}" is not an age: write a number and a unit (s, m, h, d, w), e.g. "72h" or "1d12h"`,
      );
    }
    const required = annotations[REQUIRED_PLATFORMS];
    if (required !== undefined) {
      const { platforms, invalid } = parseRequiredPlatforms(required);
      if (invalid.length > 0 || platforms.length === 0)
        at(
          s,
          path(REQUIRED_PLATFORMS),
          'INVALID_REQUIRED_PLATFORMS',
          `${REQUIRED_PLATFORMS} "${required}" ${invalid.length > 0 ? `has entries that are not a platform (${invalid.map((x) => `"${x}"`).join(', ')})` : 'names no platform'}: write os/architecture[/variant] separated by commas, e.g. "linux/amd64,linux/arm64"`,
        );
    }
    if (!hasTagPolicy(annotations)) return;
    for (const p of parseTagPolicy(annotations).problems) at(s, path(p.key), 'INVALID_TAG_POLICY', p.message);
    const where = path(annotations[TAG_POLICY] !== undefined ? TAG_POLICY : Object.keys(annotations)[0]!);
    if (t.from?.kind !== 'DockerImage' || t.reference) {
      at(
        s,
        where,
        'INVALID_TAG_POLICY',
        `tag "${t.name}": a tag policy chooses among a registry repository's tags, so it needs from.kind DockerImage (and no reference: true)`,
      );
      return;
    }
    const parsed = tryParseReference(t.from.name);
    if (!('error' in parsed) && parsed.ref.digest) {
      at(
        s,
        ['spec', 'tags', i, 'from', 'name'],
        'INVALID_TAG_POLICY',
        `tag "${t.name}" has a tag policy, so from.name must name a tag the policy can replace, not a digest: write e.g. "${t.from.name.split('@')[0]}"`,
      );
    }
  });
}
