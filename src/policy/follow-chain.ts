// Following ImageStreamTag `from`s across streams (pure): the index of streams by name, and where a chain leads.

import { type LoadedStream, streamTags } from '../model/stream.js';
import { followTarget, tagKey } from './tag-spec.js';

/** Streams by `namespace/name` (the first declaration wins when a name is declared twice). */
export type StreamIndex = ReadonlyMap<string, LoadedStream>;

/** Index streams by `namespace/name`, for cross-stream lookups. */
export function indexStreams(streams: readonly LoadedStream[]): StreamIndex {
  const index = new Map<string, LoadedStream>();
  for (const s of streams) {
    const k = `${s.namespace}/${s.name}`;
    if (!index.has(k)) index.set(k, s);
  }
  return index;
}

/** Where following ImageStreamTags from a tag leads. */
export interface FollowChain {
  /** Keys `ns/stream:tag`, starting with the tag itself. */
  chain: string[];
  /** The last key does not exist (dangling). */
  missing?: { namespace: string; stream: string; tag: string; streamExists: boolean };
  /** The chain comes back to a key already in it (chain ends with the repeated key). */
  cycle: boolean;
  /** The name is not `tag` or `stream:tag`. */
  malformed?: boolean;
}

/** Follow ImageStreamTag `from`s from one tag until a non-follower, a missing tag or a cycle. */
export function followChain(
  index: StreamIndex,
  namespace: string,
  stream: string,
  tag: string,
  /** The declaration the chain starts in (it wins over the index when a stream name is declared twice). */
  start?: LoadedStream,
): FollowChain {
  const chain: string[] = [];
  const seen = new Set<string>();
  let cur = { namespace, stream, tag };
  for (;;) {
    const key = tagKey(cur.namespace, cur.stream, cur.tag);
    if (seen.has(key)) return { chain: [...chain, key], cycle: true };
    seen.add(key);
    chain.push(key);
    const s =
      start && start.namespace === cur.namespace && start.name === cur.stream
        ? start
        : index.get(`${cur.namespace}/${cur.stream}`);
    const t = s ? streamTags(s.object).find((x) => x.name === cur.tag) : undefined;
    if (!s || !t) return { chain, cycle: false, missing: { ...cur, streamExists: Boolean(s) } };
    if (t.from?.kind !== 'ImageStreamTag') return { chain, cycle: false };
    const next = followTarget(cur.namespace, cur.stream, t.from);
    if (!next) return { chain, cycle: false, malformed: true };
    cur = next;
  }
}
