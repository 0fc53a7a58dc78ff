// `-o json|yaml|name|wide` for get and describe, as oc prints them: json/yaml the ImageStream (or ImageStreamTag)
// objects with `status` from the lock, name `imagestream.image.openshift.io/NAME`, wide the table unshortened.
// `--json` keeps printing the command's own structured data.

import { stringify } from 'yaml';
import type { LockTag, StreamLock } from '../../model/lock.js';
import type { LoadedStream } from '../../model/stream.js';
import { streamTags } from '../../model/stream.js';
import type { OptionSpec } from '../args.js';

/** The option both commands take. */
export const OUTPUT_OPTION: OptionSpec = { output: { type: 'string', short: 'o' } };

/** Its help line. */
export const OUTPUT_HELP =
  '  -o, --output FORMAT Print json or yaml (the objects, as oc does), name, or wide (the table unshortened)';

export type OutputFormat = 'json' | 'yaml' | 'name' | 'wide';
const FORMATS: readonly OutputFormat[] = ['json', 'yaml', 'name', 'wide'];

/** The -o value, checked; undefined for the default text. */
export function outputFormat(values: Record<string, unknown>): { format?: OutputFormat } | { error: string } {
  const o = values.output;
  if (o === undefined) return {};
  if (!FORMATS.includes(o as OutputFormat)) {
    return { error: `-o must be one of ${FORMATS.join(', ')}, not ${JSON.stringify(o)}` };
  }
  if (values.json)
    return { error: '--json and -o cannot be used together (--json is the data, -o json the objects)' };
  return { format: o as OutputFormat };
}

/** Known resource names, as oc accepts them. */
export const RESOURCES: Record<string, 'is' | 'istag'> = {
  is: 'is',
  imagestream: 'is',
  imagestreams: 'is',
  'imagestream.image.openshift.io': 'is',
  istag: 'istag',
  imagestreamtag: 'istag',
  imagestreamtags: 'istag',
  'imagestreamtag.image.openshift.io': 'istag',
};

/** OpenShift's status.tags[] from a lock tag: items with created, dockerImageReference, image, generation. */
function statusTag(t: LockTag) {
  return {
    tag: t.tag,
    items: t.items.map((i) => ({
      created: i.created,
      dockerImageReference: i.dockerImageReference,
      image: i.image,
      generation: i.generation,
    })),
    ...(t.conditions?.length ? { conditions: t.conditions } : {}),
  };
}

/** The ImageStream as `oc get is NAME -o yaml` shows it: the declaration with status from the lock. */
export function streamObject(s: LoadedStream, lock: StreamLock | undefined, repository: string) {
  return {
    ...s.object,
    metadata: { ...s.object.metadata, namespace: s.namespace },
    status: {
      ...(repository ? { dockerImageRepository: repository } : {}),
      ...(lock?.status.tags.length ? { tags: lock.status.tags.map(statusTag) } : {}),
    },
  };
}

/** The ImageStreamTag object of one tag that has an image, as `oc get istag NAME:TAG -o yaml` shows it. */
export function streamTagObject(s: LoadedStream, t: LockTag) {
  const spec = streamTags(s.object).find((x) => x.name === t.tag);
  const current = t.items[0]!;
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStreamTag',
    metadata: { name: `${s.name}:${t.tag}`, namespace: s.namespace, creationTimestamp: current.created },
    tag: spec ?? null,
    generation: current.generation,
    lookupPolicy: { local: Boolean(s.object.spec?.lookupPolicy?.local) },
    image: {
      metadata: { name: current.image, creationTimestamp: current.created },
      dockerImageReference: current.dockerImageReference,
      ...(current.mediaType ? { dockerImageManifestMediaType: current.mediaType } : {}),
    },
    ...(t.conditions?.length ? { conditions: t.conditions } : {}),
  };
}

/** Objects printed as json or yaml: one object as itself, several (or a listing) as a `List`, as oc does. */
export function renderObjects(objects: unknown[], format: 'json' | 'yaml', single: boolean): string {
  const value =
    single && objects.length === 1
      ? objects[0]
      : { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: objects };
  return format === 'json' ? `${JSON.stringify(value, null, 4)}\n` : stringify(value, { lineWidth: 0 });
}
