// Split image fields: Helm values (or any YAML) that keep `repository:`, `tag:` and `digest:` apart. Each field has
// a marker naming the part it holds (`# imagestream: python:3.12:digest`), as Flux's `:name` / `:tag` / `:digest`
// setters do. The fields of one image (same stream tag, same parent key) form a set; only a set with a digest field
// is pinned, since the digest decides what runs.

import { isPlainYamlString } from '../edit/yaml-text.js';
import { pinParts } from '../plan/pull-spec.js';
import type { PullSpecLookup } from './index.js';
import {
  type Consumer,
  type ConsumerDiagnostic,
  formatStreamTag,
  type ImagePart,
  type ValueSlot,
} from './types.js';

const PARTS: Readonly<Record<string, ImagePart>> = {
  repository: 'repository',
  name: 'repository',
  tag: 'tag',
  digest: 'digest',
};

/** A YAML `key: value` line (the value may be absent: `digest:`); group 1 ends at the colon. */
const PART_LINE_RE = /^([ \t]*(?:-[ \t]+)?(?:[\w.\-/]+|"[^"]*"|'[^']*')[ \t]*:)(?:([ \t]+)(\S.*?))?[ \t]*$/;
/** What a plain repository, tag or digest (or an empty `~`) is made of; anything else is not such a field. */
const PLAIN_PART_RE = /^[\w.\-/:@+~]+$/;

/**
 * `stream:tag:part` (a stream tag has exactly one colon after its namespace, so a second one starts a part) → the
 * stream tag and the part; `stream:tag` has no part. `name` is Flux's word for the repository.
 */
export function splitPart(marker: string): { name: string; part?: ImagePart } | { error: string } {
  const at = marker.lastIndexOf(':');
  const local = marker.slice(marker.lastIndexOf('/') + 1);
  if (local.indexOf(':') === local.lastIndexOf(':')) return { name: marker };
  const word = marker.slice(at + 1);
  const part = Object.hasOwn(PARTS, word) ? PARTS[word] : undefined;
  if (!part) {
    return {
      error: `unknown part "${word}" in "# imagestream: ${marker}"; write stream:tag:repository (or :name), :tag or :digest`,
    };
  }
  return { name: marker.slice(0, at), part };
}

/** The value slot of a split field: a YAML `key: value` line whose value is one plain or quoted word, or nothing. */
export function partSlot(
  content: string,
  base: number,
): { slot: ValueSlot; value: string; key: string } | { error: string } {
  const m = PART_LINE_RE.exec(content);
  if (!m) return { error: 'a part marker governs a YAML "key: value" line (e.g. "  digest: sha256:…")' };
  const prefix = m[1]!;
  const key = prefix.replace(/^[ \t]*(?:-[ \t]+)?|[ \t]*:$/g, '');
  const start = base + prefix.length;
  const raw = m[3];
  if (raw === undefined)
    return { slot: { start, end: start, style: 'plain', prefix: ' ', yaml: true }, value: '', key };
  const at = start + m[2]!.length;
  const q = raw[0];
  if ((q === '"' || q === "'") && raw.length >= 2 && raw.endsWith(q)) {
    const inner = raw.slice(1, -1);
    if (!inner.includes(q) && !inner.includes('\\')) {
      const style = q === '"' ? 'double' : 'single';
      return { slot: { start: at, end: at + raw.length, style, yaml: true }, value: inner, key };
    }
  } else if (PLAIN_PART_RE.test(raw)) {
    return { slot: { start: at, end: at + raw.length, style: 'plain', yaml: true }, value: raw, key };
  }
  return { error: `the governed value ${raw} is not a repository, tag or digest` };
}

/**
 * Check the sets of split fields (one per stream tag and parent line): a set without a digest field is refused and
 * none of its fields is rewritten (a repository or tag alone pins nothing); a set without a repository field is
 * pinned, with a warning. Every kept field gets its set as `group`, so a set changes together or not at all.
 */
export function checkPartSets(
  file: string,
  parts: readonly { consumer: Consumer; parent: number }[],
): { consumers: Consumer[]; errors: ConsumerDiagnostic[] } {
  const sets = new Map<string, Consumer[]>();
  for (const { consumer, parent } of parts) {
    const key = `parts ${file}:${parent + 1} ${formatStreamTag(consumer.follows)}`;
    sets.set(key, [...(sets.get(key) ?? []), { ...consumer, group: key }]);
  }
  const consumers: Consumer[] = [];
  const errors: ConsumerDiagnostic[] = [];
  for (const set of sets.values()) {
    const first = set[0]!;
    const follows = formatStreamTag(first.follows);
    const marker = (part: string) => `"# imagestream: ${follows}:${part}"`;
    const has = (p: ImagePart) => set.some((c) => c.part === p);
    const at = (message: string, severity?: 'warning'): ConsumerDiagnostic => ({
      code: 'MARKER_PARTS_INCOMPLETE',
      file,
      line: first.line,
      message: `${file}:${first.line}: ${message}`,
      ...(severity ? { severity } : {}),
    });
    if (!has('digest')) {
      errors.push(
        at(
          `${first.target} follows ${follows} but no field of this image has a digest marker, so nothing pins it ` +
            `(a repository or tag alone is not pinned; the digest decides what runs): add ${marker('digest')} to ` +
            'its digest field; none of its fields is rewritten until then',
        ),
      );
      continue;
    }
    if (!has('repository')) {
      errors.push(
        at(
          `${first.target} follows ${follows} with no repository field: the digest is pulled from whatever ` +
            `repository the file names; add ${marker('repository')} to its repository field`,
          'warning',
        ),
      );
    }
    consumers.push(...set);
  }
  return { consumers, errors };
}

/**
 * What a consumer must hold by the lock: the pinned pull spec, or for a split field its part of the pin (written
 * `tag-and-digest`, so a tag field shows the upstream tag whatever the pin format). `undefined`: not locked (or no
 * digest to pin a digest field to); `null`: nothing to hold (a tag field of an image that came from no tag).
 */
export function wantedValue(c: Consumer, lookup: PullSpecLookup): string | null | undefined {
  const { namespace, stream, tag } = c.follows;
  if (!c.part) return lookup(namespace, stream, tag);
  const spec = lookup(namespace, stream, tag, 'tag-and-digest');
  if (spec === undefined) return undefined;
  const pin = pinParts(spec);
  if (c.part === 'repository') return pin.repository;
  if (c.part === 'tag') return pin.tag ?? null;
  return pin.digest;
}

/** True when the field holds `want` as YAML reads it (a plain `1.10` is a number: it must become `"1.10"`). */
export function partUpToDate(c: Consumer, want: string): boolean {
  return c.current === want && !(c.slot?.yaml && c.slot.style === 'plain' && !isPlainYamlString(want));
}
