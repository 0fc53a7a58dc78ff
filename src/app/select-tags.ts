// The tag selection step of a run: for every DockerImage tag with an `imagestreams.dev/tag-policy`, list its
// repository's tags (once per repository) and let the policy choose. Failures (a registry that does not answer, a
// policy that no tag satisfies) keep the declared tag and are reported; they never stop the run.

import type { ImageRef } from '../model/reference.js';
import { tryParseReference } from '../model/reference.js';
import { type StreamState, streamSelected } from '../plan/next-locks.js';
import { type SelectionRecord, tagOf, withTag } from '../plan/selections.js';
import { hasTagPolicy, parseTagPolicy, selectTag } from '../policy/tag-selection.js';
import type { Logger } from '../util/logger.js';
import { mapLimit } from '../util/map-limit.js';

/** What the step needs. */
export interface SelectTagsDeps {
  /** Every tag of a repository (src/registry/tags.ts: once per repository per run). */
  listTags: (ref: ImageRef) => Promise<string[]>;
  /** False for registries the config does not allow (never contacted). */
  allowed: (domain: string) => boolean;
  /** The run's time, RFC 3339. */
  now: string;
  logger: Logger;
  only?: ReadonlySet<string>;
}

/** A policy tag whose choice could not be made this run. */
export interface SelectionFailure {
  key: string;
  message: string;
}

/** Choose the upstream tag of every policy tag of the selected streams. */
export async function selectTags(
  states: readonly StreamState[],
  deps: SelectTagsDeps,
): Promise<{ records: SelectionRecord[]; failures: SelectionFailure[] }> {
  const jobs: { s: StreamState; tag: string; name: string; annotations: Record<string, string> }[] = [];
  for (const s of states) {
    if (!streamSelected(s, deps.only)) continue;
    for (const t of s.object.spec?.tags ?? []) {
      if (t.from?.kind !== 'DockerImage' || t.reference || !hasTagPolicy(t.annotations)) continue;
      jobs.push({ s, tag: t.name, name: t.from.name, annotations: t.annotations ?? {} });
    }
  }
  const records: SelectionRecord[] = [];
  const failures: SelectionFailure[] = [];
  await mapLimit(jobs, 8, async ({ s, tag, name, annotations }) => {
    const key = `${s.namespace}/${s.name}:${tag}`;
    const { policy } = parseTagPolicy(annotations);
    const parsed = tryParseReference(name);
    // Validation reports bad policies and references; a run only skips them.
    if (!policy || 'error' in parsed || parsed.ref.digest) return;
    if (!deps.allowed(parsed.ref.domain)) return;
    let tags: string[];
    try {
      tags = await deps.listTags(parsed.ref);
    } catch (e) {
      failures.push({ key, message: `${key}: tags not listed, ${name} kept: ${(e as Error).message}` });
      return;
    }
    const declaredTag = tagOf(name);
    const lockTag = s.lock?.status.tags.find((t) => t.tag === tag);
    const chosen = selectTag(policy, tags, {
      now: deps.now,
      current: declaredTag,
      ...(lockTag?.selection?.firstSeen ? { firstSeen: lockTag.selection.firstSeen } : {}),
    });
    if (!chosen.tag) {
      failures.push({ key, message: `${key}: ${chosen.problem ?? 'no tag chosen'}; ${name} kept` });
      return;
    }
    const record: SelectionRecord = {
      namespace: s.namespace,
      stream: s.name,
      tag,
      policy: policy.summary,
      declared: name,
      declaredTag,
      chosen: chosen.tag,
      from: chosen.tag === declaredTag ? name : withTag(name, chosen.tag),
    };
    if (chosen.firstSeen) record.firstSeen = chosen.firstSeen;
    records.push(record);
  });
  for (const f of failures) deps.logger.warn(f.message);
  records.sort((a, b) =>
    `${a.namespace}/${a.stream}:${a.tag}` < `${b.namespace}/${b.stream}:${b.tag}` ? -1 : 1,
  );
  return { records, failures };
}
