// Consumers declared by OpenShift's own trigger fields: DeploymentConfig imageChangeParams, BuildConfig imageChange.

import { isMap, isScalar, type Node } from 'yaml';
import type { KubeObject } from './objects.js';
import { parseStreamTag } from './stream-tag.js';
import type { Consumer, ConsumerDiagnostic, FindOptions, StreamTagRef, ValueSlot } from './types.js';
import { getIn, getPath, seqItems, slotOf, str } from './yaml-nodes.js';

/** BuildConfig annotation that opts in to rewriting the strategy's `from` into a pinned DockerImage. */
export const PIN_ANNOTATION = 'imagestreams.dev/pin';

interface Found {
  consumers: Consumer[];
  errors: ConsumerDiagnostic[];
}

const STRATEGIES = ['sourceStrategy', 'dockerStrategy', 'customStrategy'] as const;

function diag(
  obj: KubeObject,
  node: Node | undefined,
  message: string,
  code: ConsumerDiagnostic['code'] = 'TRIGGER_INVALID',
) {
  return {
    code,
    file: obj.file,
    line: node?.range ? obj.lineAt(node.range[0]) : obj.line,
    object: obj.label,
    message: `${obj.label}: ${message}`,
  };
}

/** Read an ObjectReference `from` of kind ImageStreamTag into a stream tag. */
function streamTagFrom(
  obj: KubeObject,
  from: Node | undefined,
  opts: FindOptions,
): { ref: StreamTagRef } | { error: string } | undefined {
  if (!from) return undefined;
  const kind = str(getIn(obj.doc, from, 'kind'));
  const name = str(getIn(obj.doc, from, 'name'));
  if (kind !== 'ImageStreamTag')
    return { error: `from.kind is ${kind ?? 'missing'}, expected ImageStreamTag` };
  if (!name) return { error: 'from.name must be "stream:tag"' };
  const ns = str(getIn(obj.doc, from, 'namespace')) || obj.namespace || opts.defaultNamespace;
  return parseStreamTag(name, ns);
}

/** DeploymentConfig: every `automatic: true` ImageChange trigger rewrites its containers' images. */
export function deploymentConfigConsumers(obj: KubeObject, opts: FindOptions): Found {
  const out: Found = { consumers: [], errors: [] };
  const podSpec = getPath(obj.doc, obj.node, ['spec', 'template', 'spec']);
  for (const trigger of seqItems(obj.doc, getPath(obj.doc, obj.node, ['spec', 'triggers']))) {
    const params = getIn(obj.doc, trigger, 'imageChangeParams');
    if (!params) continue;
    const automatic = getIn(obj.doc, params, 'automatic');
    if (!(isScalar(automatic) && automatic.value === true)) continue;
    const ref = streamTagFrom(obj, getIn(obj.doc, params, 'from'), opts);
    if (!ref) {
      out.errors.push(
        diag(obj, params, 'imageChangeParams has no "from" (kind ImageStreamTag, name stream:tag)'),
      );
      continue;
    }
    if ('error' in ref) {
      out.errors.push(diag(obj, getIn(obj.doc, params, 'from'), `imageChangeParams: ${ref.error}`));
      continue;
    }
    // A trigger that already fired once (lastTriggeredImage) never holds the others back, as in OpenShift.
    const last = str(getIn(obj.doc, params, 'lastTriggeredImage'));
    const names = seqItems(obj.doc, getIn(obj.doc, params, 'containerNames'));
    if (names.length === 0) {
      out.errors.push(
        diag(obj, params, 'imageChangeParams.containerNames is empty; list the containers to update'),
      );
    }
    for (const n of names) {
      const cname = str(n);
      const found = findContainer(obj, podSpec, cname);
      if (!found) {
        out.errors.push(
          diag(
            obj,
            n,
            `imageChangeParams.containerNames names "${cname}", which is not a container of the pod`,
          ),
        );
        continue;
      }
      const image = getIn(obj.doc, found.node, 'image');
      // No `image:` is the normal form of a DeploymentConfig container: OpenShift fills it in, and so do we.
      const slot = !image
        ? insertionSlot(obj, found.node, 'image')
        : isScalar(image)
          ? slotOf(image)
          : undefined;
      if (!slot) {
        out.errors.push(diag(obj, found.node, `container "${cname}" has no one-line image value to update`));
        continue;
      }
      out.consumers.push({
        file: obj.file,
        line: obj.lineAt(slot.start) + (slot.prefix ? 1 : 0),
        kind: 'deployment-config',
        target: `${obj.label} ${found.init ? 'initContainer' : 'container'} ${JSON.stringify(cname)}`,
        follows: ref.ref,
        current: image && isScalar(image) ? String(image.value ?? '') : '',
        slot,
        // Every automatic trigger of the DeploymentConfig resolves, or none is applied (no half rollout).
        ...(last ? {} : { group: `${obj.file}#${obj.line}` }),
      });
    }
  }
  return out;
}

/**
 * Where to insert `key: value` into a block mapping that lacks the key: a new line after the mapping's `name`
 * entry (else its first entry), at that entry's indentation. Undefined for flow mappings (`{name: web}`).
 */
function insertionSlot(obj: KubeObject, node: Node, key: string): ValueSlot | undefined {
  if (!isMap(node) || node.flow) return undefined;
  const pairs = node.items;
  const anchor = pairs.find((p) => isScalar(p.key) && p.key.value === 'name') ?? pairs[0];
  const keyNode = anchor?.key as Node | undefined;
  const valueNode = (anchor?.value as Node | null | undefined) ?? keyNode;
  if (!keyNode?.range || !valueNode?.range) return undefined;
  const source = obj.source;
  const lineEnd = source.indexOf('\n', valueNode.range[1]);
  const at = lineEnd < 0 ? source.length : lineEnd;
  const lineStart = source.lastIndexOf('\n', keyNode.range[0] - 1) + 1;
  let column = keyNode.range[0] - lineStart;
  // The first entry of a sequence item (`- name: web`) sits after "- ": indent to the key, not the dash.
  if (column < 0) column = 0;
  return { start: at, end: at, style: 'plain', prefix: `\n${' '.repeat(column)}${key}: ` };
}

function findContainer(obj: KubeObject, podSpec: Node | undefined, name: string | undefined) {
  for (const list of ['containers', 'initContainers'] as const) {
    for (const c of seqItems(obj.doc, getIn(obj.doc, podSpec, list))) {
      if (str(getIn(obj.doc, c, 'name')) === name) return { node: c, init: list === 'initContainers' };
    }
  }
  return undefined;
}

/**
 * BuildConfig: ImageChange triggers are listed (for dispatch and reporting); the strategy's `from` is rewritten to
 * `{kind: DockerImage, name: <pinned>}` only when the object carries `imagestreams.dev/pin: "true"`, and then the
 * first trigger with an explicit `from` names the stream tag (so the tag survives the rewrite).
 */
export function buildConfigConsumers(obj: KubeObject, opts: FindOptions): Found {
  const out: Found = { consumers: [], errors: [] };
  const pinValue = getPath(obj.doc, obj.node, ['metadata', 'annotations', PIN_ANNOTATION]);
  const pin = isScalar(pinValue) && (pinValue.value === 'true' || pinValue.value === true);
  let strategyName: string | undefined;
  let strategyFrom: Node | undefined;
  for (const s of STRATEGIES) {
    const from = getPath(obj.doc, obj.node, ['spec', 'strategy', s, 'from']);
    if (from) {
      strategyName = s;
      strategyFrom = from;
      break;
    }
  }
  let pinned = false;
  for (const trigger of seqItems(obj.doc, getPath(obj.doc, obj.node, ['spec', 'triggers']))) {
    const ic = getIn(obj.doc, trigger, 'imageChange');
    if (!ic) continue;
    const ownFrom = getIn(obj.doc, ic, 'from');
    const ref = streamTagFrom(obj, ownFrom ?? strategyFrom, opts);
    if (!ref) {
      out.errors.push(
        diag(obj, ic, 'imageChange trigger has no "from" and the strategy has no "from" either'),
      );
      continue;
    }
    if ('error' in ref) {
      out.errors.push(diag(obj, ownFrom ?? strategyFrom, `imageChange: ${ref.error}`));
      continue;
    }
    const base: Consumer = {
      file: obj.file,
      line: obj.lineAt(ic.range?.[0] ?? 0),
      kind: 'build-config',
      target: `${obj.label} imageChange trigger`,
      follows: ref.ref,
      current: str(getIn(obj.doc, strategyFrom, 'name')) ?? '',
    };
    if (!pin || pinned || !ownFrom) {
      out.consumers.push(base);
      continue;
    }
    pinned = true;
    const fixed = pinnedStrategy(obj, strategyName, strategyFrom);
    if ('error' in fixed) {
      out.errors.push(diag(obj, strategyFrom ?? ic, fixed.error));
      continue;
    }
    out.consumers.push({ ...base, ...fixed, target: `${obj.label} ${strategyName} from` });
  }
  if (pin && !pinned && out.errors.length === 0) {
    out.errors.push(
      diag(
        obj,
        pinValue,
        `${PIN_ANNOTATION} is set but no imageChange trigger has an explicit "from"; add ` +
          '`imageChange: {from: {kind: ImageStreamTag, name: <stream:tag>}}` so the stream tag survives pinning',
      ),
    );
  }
  return out;
}

function pinnedStrategy(
  obj: KubeObject,
  strategyName: string | undefined,
  from: Node | undefined,
): Pick<Consumer, 'slot' | 'alsoSet' | 'line' | 'current'> | { error: string } {
  if (!from || !strategyName)
    return { error: `${PIN_ANNOTATION} is set but spec.strategy has no "from" to pin` };
  const kind = getIn(obj.doc, from, 'kind');
  const name = getIn(obj.doc, from, 'name');
  const kindSlot = isScalar(kind) ? slotOf(kind) : undefined;
  const nameSlot = isScalar(name) ? slotOf(name) : undefined;
  if (!kindSlot || !nameSlot || !isScalar(kind) || !isScalar(name)) {
    return { error: `${strategyName}.from needs one-line "kind" and "name" values to pin` };
  }
  if (kind.value !== 'DockerImage' && kind.value !== 'ImageStreamTag') {
    return {
      error: `${strategyName}.from.kind ${String(kind.value)} cannot be pinned (ImageStreamTag or DockerImage)`,
    };
  }
  const result: Pick<Consumer, 'slot' | 'alsoSet' | 'line' | 'current'> = {
    slot: nameSlot,
    line: obj.lineAt(nameSlot.start),
    current:
      kind.value === 'DockerImage' ? String(name.value) : `${String(kind.value)} ${String(name.value)}`,
  };
  if (kind.value !== 'DockerImage') {
    result.alsoSet = [{ slot: kindSlot, value: 'DockerImage', current: String(kind.value) }];
  }
  return result;
}
