// The consumers core: find every value in the repository that follows a stream tag, and plan its rewrite.
// Pure: files come in as text, the lock comes in as a lookup function, edits and changes go out as data.

import type { ConsumerChange } from '../plan/changes.js';
import type { PinFormat } from '../plan/pull-spec.js';
import { detached } from '../util/text.js';
import { partUpToDate, wantedValue } from './image-parts.js';
import { annotationConsumers } from './kube.js';
import { lookupConsumers, mayHoldShortName } from './lookup.js';
import { markerConsumers } from './marker.js';
import { eachObject } from './objects.js';
import { buildConfigConsumers, deploymentConfigConsumers } from './openshift.js';
import { applyEdits, type TextEdit } from './rewrite.js';
import { isDocumentationFileName, isKubeFileName, scanText } from './scan.js';
import { type Consumer, type ConsumerDiagnostic, type FindOptions, formatStreamTag } from './types.js';

export { type LocalLookup, localLookupOf } from './lookup.js';
export type { Consumer, ConsumerDiagnostic, FindOptions, StreamTagRef } from './types.js';
export { formatStreamTag } from './types.js';

/** A file as the finders see it: repository-relative `/` path and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

/** Everything found: consumers in file/line order, and problems the user must fix. */
export interface FindResult {
  consumers: Consumer[];
  errors: ConsumerDiagnostic[];
}

/**
 * The lock, as the planner needs it: the pinned pull spec of a stream tag, or undefined when not locked. `format`
 * overrides the configured pin format (split image fields ask for `tag-and-digest`: a tag field always shows the tag).
 */
export type PullSpecLookup = (
  namespace: string,
  stream: string,
  tag: string,
  format?: PinFormat,
) => string | undefined;

const DEFAULTS: FindOptions = { defaultNamespace: 'default' };

/** Find every consumer in `files`; files without a trigger or marker needle are never parsed. */
export function findConsumers(files: readonly SourceFile[], options: Partial<FindOptions> = {}): FindResult {
  const opts: FindOptions = { ...DEFAULTS, ...options };
  const consumers: Consumer[] = [];
  const errors: ConsumerDiagnostic[] = [];
  for (const f of files) {
    const found = findInFile(f, opts);
    consumers.push(...found.consumers);
    errors.push(...found.errors);
  }
  return { consumers, errors };
}

/** The consumers of one file (the byte scan first). */
export function findInFile(file: SourceFile, opts: FindOptions): FindResult {
  const scan = scanText(file.text);
  const consumers: Consumer[] = [];
  const errors: ConsumerDiagnostic[] = [];
  const lookup = mayHoldShortName(file.text, opts.lookup);
  if ((scan.kube || lookup) && isKubeFileName(file.path)) {
    // Object by object as the documents are parsed (eachObject); the file's YAML errors still come first.
    const parseErrors: ConsumerDiagnostic[] = [];
    const objectErrors: ConsumerDiagnostic[] = [];
    for (const obj of eachObject(file.path, file.text, parseErrors)) {
      const parts = [annotationConsumers(obj, opts)];
      if (obj.kind === 'DeploymentConfig') parts.push(deploymentConfigConsumers(obj, opts));
      if (obj.kind === 'BuildConfig') parts.push(buildConfigConsumers(obj, opts));
      for (const p of parts) {
        consumers.push(...p.consumers);
        objectErrors.push(...p.errors);
      }
      // A short name a trigger already governs is the trigger's (OpenShift's trigger sets that image).
      if (!lookup) continue;
      const claimed = new Set(consumers.flatMap((c) => (c.slot ? [c.slot.start] : [])));
      const short = lookupConsumers(obj, opts);
      consumers.push(...short.consumers.filter((c) => !claimed.has(c.slot!.start)));
      objectErrors.push(...short.errors);
    }
    errors.push(...parseErrors, ...objectErrors);
  }
  if (scan.marker && !isDocumentationFileName(file.path)) {
    const m = markerConsumers(file.path, file.text, opts);
    consumers.push(...m.consumers);
    errors.push(...m.errors);
  }
  return dedupe(consumers, errors);
}

/** Two finders may address the same value (a marker on a triggered field): same tag merges, different tags conflict. */
function dedupe(consumers: Consumer[], errors: ConsumerDiagnostic[]): FindResult {
  const bySlot = new Map<string, Consumer>();
  const out: Consumer[] = [];
  for (const c of consumers) {
    if (!c.slot) {
      out.push(c);
      continue;
    }
    const key = `${c.slot.start}:${c.slot.end}`;
    const seen = bySlot.get(key);
    if (!seen) {
      bySlot.set(key, c);
      out.push(c);
    } else if (formatStreamTag(seen.follows) !== formatStreamTag(c.follows)) {
      errors.push({
        code: 'CONSUMER_CONFLICT',
        file: c.file,
        line: c.line,
        message: `${c.file}:${c.line}: ${c.target} follows both ${formatStreamTag(seen.follows)} and ${formatStreamTag(c.follows)}; keep one`,
      });
    }
  }
  out.sort((a, b) => a.line - b.line);
  return { consumers: out, errors };
}

/** A consumer whose stream tag has no lock entry (undeclared, or not imported yet). */
export interface UnresolvedConsumer {
  consumer: Consumer;
  follows: string;
}

/** The rewrite plan: per-file edits, the structured changes to report, and consumers nothing could be found for. */
export interface ConsumerPlan {
  /** Repository path → edits to apply to that file's current text. */
  edits: Map<string, TextEdit[]>;
  changes: ConsumerChange[];
  unresolved: UnresolvedConsumer[];
}

/** Decide, for every rewritable consumer, whether its value differs from the lock and what to write. */
export function planConsumerUpdates(
  consumers: readonly Consumer[],
  pullSpecFor: PullSpecLookup,
): ConsumerPlan {
  const plan: ConsumerPlan = { edits: new Map(), changes: [], unresolved: [] };
  const wantOf = (c: Consumer) => wantedValue(c, pullSpecFor);
  // A group with a consumer that has no image yet changes nothing (no half rollout of a DeploymentConfig, no
  // repository and tag moved without their digest).
  const held = new Set(
    consumers.filter((c) => c.group !== undefined && c.slot && wantOf(c) === undefined).map((c) => c.group),
  );
  for (const c of consumers) {
    if (!c.slot) continue;
    const want = wantOf(c);
    if (want === undefined) {
      plan.unresolved.push({ consumer: c, follows: formatStreamTag(c.follows) });
      continue;
    }
    if (want === null || (c.group !== undefined && held.has(c.group))) continue;
    const extra = (c.alsoSet ?? []).filter((a) => a.current !== a.value);
    if (partUpToDate(c, want) && extra.length === 0) continue;
    const list = plan.edits.get(c.file) ?? [];
    list.push({ slot: c.slot, value: want }, ...extra.map((a) => ({ slot: a.slot, value: a.value })));
    plan.edits.set(c.file, list);
    plan.changes.push({
      file: c.file,
      line: c.line,
      target: c.target,
      follows: formatStreamTag(c.follows),
      // The current value is a slice of the consumer file's text: detached, so the change does not keep the file.
      from: detached(c.current),
      to: want,
    });
  }
  return plan;
}

/** Apply a plan to the files it was made from; returns only the files whose text changed. */
export function applyConsumerPlan(files: readonly SourceFile[], plan: ConsumerPlan): SourceFile[] {
  const out: SourceFile[] = [];
  for (const f of files) {
    const edits = plan.edits.get(f.path);
    if (!edits) continue;
    const text = applyEdits(f.text, edits);
    if (text !== f.text) out.push({ path: f.path, text });
  }
  return out;
}

/** A consumer problem in the full Diagnostic form; one conversion, in model/diagnostic.ts. */
export { fromConsumerDiagnostic as toDiagnostic } from '../model/diagnostic.js';
