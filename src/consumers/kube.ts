// Consumers declared by the `image.openshift.io/triggers` annotation on any Kubernetes object.

import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { type PathStep, parseFieldPath } from './fieldpath.js';
import type { KubeObject } from './objects.js';
import { parseStreamTag } from './stream-tag.js';
import type { Consumer, ConsumerDiagnostic, FindOptions } from './types.js';
import { deref, getIn, getPath, slotOf, str } from './yaml-nodes.js';

/** The annotation OpenShift reads triggers from. */
export const TRIGGERS_ANNOTATION = 'image.openshift.io/triggers';

interface Found {
  consumers: Consumer[];
  errors: ConsumerDiagnostic[];
}

/** Consumers of one object's trigger annotation (paused triggers are skipped); problems as diagnostics. */
export function annotationConsumers(obj: KubeObject, opts: FindOptions): Found {
  const out: Found = { consumers: [], errors: [] };
  const node = getPath(obj.doc, obj.node, ['metadata', 'annotations', TRIGGERS_ANNOTATION]);
  if (node === undefined) return out;
  const line = obj.lineAt(node.range?.[0] ?? 0);
  const fail = (message: string, at: number = line) =>
    out.errors.push({
      code: 'TRIGGER_ANNOTATION_INVALID',
      file: obj.file,
      line: at,
      object: obj.label,
      message: `${obj.label}: ${message}`,
    });
  const raw = str(node);
  if (raw === undefined) {
    fail(`the ${TRIGGERS_ANNOTATION} annotation must be a string holding a JSON array`);
    return out;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    fail(`the ${TRIGGERS_ANNOTATION} annotation is not valid JSON (${(e as Error).message})`);
    return out;
  }
  if (!Array.isArray(parsed)) {
    fail(`the ${TRIGGERS_ANNOTATION} annotation must be a JSON array of {"from":…,"fieldPath":…}`);
    return out;
  }
  const objectNs = obj.namespace ?? opts.defaultNamespace;
  // OpenShift refuses the whole annotation when two triggers share a fieldPath: none of them runs.
  const seenPaths = new Map<string, number>();
  for (const [i, t] of parsed.entries()) {
    const fp = (t as { fieldPath?: unknown } | null)?.fieldPath;
    if (typeof fp !== 'string') continue;
    const first = seenPaths.get(fp);
    if (first !== undefined) {
      fail(
        `trigger ${i} repeats the fieldPath ${JSON.stringify(fp)} of trigger ${first}: OpenShift refuses duplicate triggers and runs none of them; keep one`,
      );
      return out;
    }
    seenPaths.set(fp, i);
  }
  for (const [i, t] of parsed.entries()) {
    const problem = readTrigger(obj, t, `trigger ${i}`, objectNs, out.consumers);
    if (problem?.warning) {
      out.errors.push({
        code: 'TRIGGER_NOT_HONOURED',
        file: obj.file,
        line: problem.line ?? line,
        severity: 'warning',
        object: obj.label,
        message: `${obj.label}: ${problem.message}`,
      });
    } else if (problem) fail(problem.message, problem.line);
  }
  return out;
}

/** Where the pod spec sits in each kind, as OpenShift's trigger controller looks for it. */
export function podSpecPath(kind: string): string {
  if (kind === 'Pod') return 'spec';
  if (kind === 'CronJob') return 'spec.jobTemplate.spec.template.spec';
  return 'spec.template.spec';
}

/**
 * True when OpenShift's trigger controller acts on this fieldPath: exactly `<pod spec>.containers[N].image` or
 * `<pod spec>.containers[?(@.name=="x")].image` (initContainers too), no `$.`, no spaces, double quotes.
 */
export function honouredByCluster(kind: string, fieldPath: string): boolean {
  const base = podSpecPath(kind).replaceAll('.', '\\.');
  return new RegExp(
    `^${base}\\.(?:initContainers|containers)\\[(?:\\d+|\\?\\(@\\.name=="[^"\\]]*"\\))\\]\\.image$`,
  ).test(fieldPath);
}

/** Validate one trigger; a consumer is pushed for it unless paused; returns the problem, if any. */
function readTrigger(
  obj: KubeObject,
  t: unknown,
  where: string,
  objectNs: string,
  consumers: Consumer[],
): { message: string; line?: number; warning?: boolean } | undefined {
  const fail = (message: string, line?: number) => (line === undefined ? { message } : { message, line });
  if (typeof t !== 'object' || t === null) return fail(`${where} is not an object`);
  const { from, fieldPath, paused } = t as Record<string, unknown>;
  if (paused !== undefined && typeof paused !== 'boolean')
    return fail(`${where}: "paused" must be true or false`);
  if (typeof from !== 'object' || from === null) return fail(`${where} has no "from"`);
  const f = from as Record<string, unknown>;
  if (f.kind !== undefined && f.kind !== 'ImageStreamTag')
    return fail(`${where}: from.kind must be ImageStreamTag (got ${JSON.stringify(f.kind)})`);
  if (typeof f.name !== 'string') return fail(`${where}: from.name must be "stream:tag"`);
  if (f.namespace !== undefined && typeof f.namespace !== 'string')
    return fail(`${where}: from.namespace must be a string`);
  const ref = parseStreamTag(f.name, (f.namespace as string | undefined) || objectNs);
  if ('error' in ref) return fail(`${where}: ${ref.error}`);
  if (typeof fieldPath !== 'string') return fail(`${where} has no "fieldPath"`);
  const steps = parseFieldPath(fieldPath);
  if ('error' in steps)
    return fail(`${where}: invalid fieldPath ${JSON.stringify(fieldPath)}: ${steps.error}`);
  const last = steps.steps[steps.steps.length - 1];
  if (!last || !('key' in last) || last.key !== 'image') {
    return fail(
      `${where}: fieldPath ${JSON.stringify(fieldPath)} must end in ".image" (a trigger sets a container image, e.g. spec.template.spec.containers[?(@.name=="web")].image)`,
    );
  }
  if (paused === true) return undefined;
  const target = resolveSteps(obj, steps.steps);
  if (!target || !isScalar(target.node)) {
    return fail(`${where}: fieldPath ${JSON.stringify(fieldPath)} addresses nothing in the object`);
  }
  const slot = slotOf(target.node);
  if (!slot) {
    return fail(
      `${where}: fieldPath ${JSON.stringify(fieldPath)} addresses a value that is not a one-line string`,
      obj.lineAt(target.node.range?.[0] ?? 0),
    );
  }
  consumers.push({
    file: obj.file,
    line: obj.lineAt(slot.start),
    kind: 'trigger-annotation',
    target: `${obj.label}${target.container ?? ` ${fieldPath}`}`,
    follows: ref.ref,
    current: String(target.node.value),
    slot,
  });
  if (!honouredByCluster(obj.kind, fieldPath)) {
    return {
      warning: true,
      line: obj.lineAt(slot.start),
      message: `${where}: the cluster will not honour fieldPath ${JSON.stringify(fieldPath)} (OpenShift acts only on ${podSpecPath(obj.kind)}.containers[?(@.name=="name")].image or [N], without "$.", spaces or single quotes); imagestreams still pins it in git`,
    };
  }
  return undefined;
}

function resolveSteps(
  obj: KubeObject,
  steps: readonly PathStep[],
): { node: Node; container?: string } | undefined {
  let node: Node | undefined = obj.node;
  let container: string | undefined;
  let lastKey = '';
  for (const step of steps) {
    if (node === undefined) return undefined;
    if ('key' in step) {
      node = getIn(obj.doc, node, step.key);
      lastKey = step.key;
      continue;
    }
    const seq = deref(obj.doc, node);
    if (!isSeq(seq)) return undefined;
    const items = seq.items.map((i) => deref(obj.doc, i));
    node =
      'index' in step ? items[step.index] : items.find((i) => str(getIn(obj.doc, i, 'name')) === step.name);
    if (node && isMap(node) && (lastKey === 'containers' || lastKey === 'initContainers')) {
      const cname = str(getIn(obj.doc, node, 'name')) ?? `#${'index' in step ? step.index : '?'}`;
      container = ` ${lastKey === 'initContainers' ? 'initContainer' : 'container'} ${JSON.stringify(cname)}`;
    }
  }
  return node === undefined ? undefined : container !== undefined ? { node, container } : { node };
}
