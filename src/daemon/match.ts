// Which stream tags a push concerns (pure): tags importing `host/path:tag` are forced, and the streams of
// their followers (ImageStreamTag, any depth) are selected too, so a chain settles in the same run.

import { tryParseReference } from '../model/reference.js';
import { followTarget, isImportable, type StreamLike, tagKey } from '../policy/tag-spec.js';
import { normaliseHost, type PushedImage } from './webhooks.js';

/** A declared stream as the daemon sees it. */
export interface DeclaredStream {
  namespace: string;
  name: string;
  object: StreamLike;
}

/** `host/path:tag` (host lower case) → keys of the tags importing it. */
export type PushIndex = Map<string, string[]>;

const refId = (host: string, path: string, tag: string) => `${normaliseHost(host)}/${path}:${tag}`;

/** Index the importable tags by the reference they import (tags without a tag import `latest`). */
export function indexStreams(streams: readonly DeclaredStream[]): PushIndex {
  const index: PushIndex = new Map();
  for (const s of streams) {
    for (const t of s.object.spec?.tags ?? []) {
      if (!isImportable(t) || !t.from) continue;
      const p = tryParseReference(t.from.name);
      if (!('ref' in p) || (p.ref.digest && !p.ref.tag)) continue;
      const id = refId(p.ref.domain, p.ref.path, p.ref.tag ?? 'latest');
      const list = index.get(id) ?? [];
      list.push(tagKey(s.namespace, s.name, t.name));
      index.set(id, list);
    }
  }
  return index;
}

/** Keys of the tags that import any of the pushed images. */
export function matchPushes(index: PushIndex, pushes: readonly PushedImage[]): Set<string> {
  const keys = new Set<string>();
  for (const p of pushes) {
    for (const host of p.hosts) for (const k of index.get(refId(host, p.path, p.tag)) ?? []) keys.add(k);
  }
  return keys;
}

/** Keys of scheduled tags (importPolicy.scheduled on an importable tag). */
export function scheduledKeys(streams: readonly DeclaredStream[]): string[] {
  const out: string[] = [];
  for (const s of streams) {
    for (const t of s.object.spec?.tags ?? []) {
      if (isImportable(t) && t.importPolicy?.scheduled) out.push(tagKey(s.namespace, s.name, t.name));
    }
  }
  return out;
}

/** `ns/name` of the streams owning `keys` plus the streams whose tags follow them (transitively). */
export function streamsFor(streams: readonly DeclaredStream[], keys: Iterable<string>): Set<string> {
  const followers = new Map<string, string[]>(); // target key → follower keys
  for (const s of streams) {
    for (const t of s.object.spec?.tags ?? []) {
      if (t.from?.kind !== 'ImageStreamTag' || t.reference) continue;
      const target = followTarget(s.namespace, s.name, t.from);
      if (!target) continue;
      const tk = tagKey(target.namespace, target.stream, target.tag);
      const list = followers.get(tk) ?? [];
      list.push(tagKey(s.namespace, s.name, t.name));
      followers.set(tk, list);
    }
  }
  const seen = new Set<string>();
  const queue = [...keys];
  while (queue.length > 0) {
    const k = queue.pop()!;
    if (seen.has(k)) continue;
    seen.add(k);
    queue.push(...(followers.get(k) ?? []));
  }
  return new Set([...seen].map((k) => k.slice(0, k.lastIndexOf(':'))));
}

/**
 * The pushes some tag imports, each narrowed to the hosts that matched and keyed by its first matching
 * `host/path:tag`: what the daemon queues. Unmatched pushes and unmatched hosts (an envelope's `request.host`
 * is the sender's to choose) are dropped, so the queue can only hold references the declarations name.
 */
export function relevantPushes(index: PushIndex, pushes: readonly PushedImage[]): Map<string, PushedImage> {
  const out = new Map<string, PushedImage>();
  for (const p of pushes) {
    const hosts = p.hosts.filter((h) => index.has(refId(h, p.path, p.tag)));
    if (hosts.length === 0) continue;
    const id = refId(hosts[0]!, p.path, p.tag);
    if (!out.has(id)) out.set(id, { hosts, path: p.path, tag: p.tag });
  }
  return out;
}
