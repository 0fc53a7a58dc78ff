// What a dispatch carries: the placeholders a target may use, the repository_dispatch body, the workflow_dispatch
// inputs and a command's environment, all built from one moved tag (and the others that reached its digest).

import type { DispatchTarget } from '../config/config.js';
import { ImagestreamsError } from '../model/errors.js';
import { formatStreamTag } from '../model/stream-tag.js';
import { type MovedTag, movedTagFields } from './moved-tags.js';

/** GitHub's limit on workflow_dispatch `inputs` (actions/create-workflow-dispatch, OpenAPI maxProperties). */
export const WORKFLOW_DISPATCH_MAX_INPUTS = 25;

/** Where the lock change landed: the repository (owner/name) and the commit that carries it. */
export interface DispatchSource {
  repository?: string;
  sha: string;
}

/** Values a workflow_dispatch input may reference as `${name}`; also the default inputs' names. */
export const PLACEHOLDERS = [
  'namespace',
  'stream',
  'tag',
  'old',
  'new',
  'image',
  'oldImage',
  'repository',
  'sha',
  'tags',
] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

/** `name` as a placeholder: the text `${name}`. */
export function placeholder(name: string): string {
  return ['$', '{', name, '}'].join('');
}

/** Inputs sent to a workflow_dispatch target that configures none (the workflow must declare them). */
export const DEFAULT_WORKFLOW_INPUTS: Readonly<Record<string, string>> = Object.fromEntries(
  (['namespace', 'stream', 'tag', 'old', 'new', 'image'] as const).map((n) => [n, placeholder(n)]),
);

/** The repository_dispatch body: one event per image digest, naming the first tag and listing all of them. */
export interface RepositoryDispatchBody {
  event_type: string;
  client_payload: {
    namespace: string;
    stream: string;
    tag: string;
    old: string | null;
    new: string;
    dockerImageReference: string;
    oldDockerImageReference: string | null;
    repository: string | null;
    sha: string;
    /** Every tag (`namespace/stream:tag`) that reached this image digest in the push; the first is named above. */
    tags: string[];
  };
}

function values(
  m: MovedTag,
  src: DispatchSource,
  all: readonly MovedTag[] = [m],
): Record<Placeholder, string> {
  return {
    tags: all.map(formatStreamTag).join(','),
    namespace: m.namespace,
    stream: m.stream,
    tag: m.tag,
    old: m.old?.image ?? '',
    new: m.new.image,
    image: m.new.dockerImageReference,
    oldImage: m.old?.dockerImageReference ?? '',
    repository: src.repository ?? '',
    sha: src.sha,
  };
}

/** `${name}` placeholders in `text` replaced; unknown names are a config error. */
export function expandPlaceholders(text: string, vals: Record<string, string>, where: string): string {
  return text.replace(/\$\{([^}]*)\}/g, (_m, name: string) => {
    if (!(name in vals)) {
      throw new ImagestreamsError(
        'DISPATCH_CONFIG',
        `${where}: unknown placeholder ${placeholder(name)}; use one of ${PLACEHOLDERS.map(placeholder).join(', ')}`,
        { data: { placeholder: name } },
      );
    }
    return vals[name]!;
  });
}

/** Environment of a command target: what moved, as IMAGESTREAM_* variables. */
export function commandEnv(
  m: MovedTag,
  src: DispatchSource,
  all: readonly MovedTag[] = [m],
): Record<string, string> {
  const v = values(m, src, all);
  return {
    IMAGESTREAM_TAGS: v.tags,
    IMAGESTREAM_NAMESPACE: v.namespace,
    IMAGESTREAM_NAME: v.stream,
    IMAGESTREAM_TAG: v.tag,
    IMAGESTREAM_OLD_DIGEST: v.old,
    IMAGESTREAM_NEW_DIGEST: v.new,
    IMAGESTREAM_IMAGE: v.image,
    IMAGESTREAM_OLD_IMAGE: v.oldImage,
    IMAGESTREAM_REPOSITORY: v.repository,
    IMAGESTREAM_COMMIT: v.sha,
  };
}

/** The repository_dispatch body for one moved tag. */
export function repositoryDispatchBody(
  eventType: string,
  m: MovedTag,
  src: DispatchSource,
  all: readonly MovedTag[] = [m],
): RepositoryDispatchBody {
  return {
    event_type: eventType,
    client_payload: {
      ...movedTagFields(m),
      oldDockerImageReference: m.old?.dockerImageReference ?? null,
      repository: src.repository ?? null,
      sha: src.sha,
      tags: all.map(formatStreamTag),
    },
  };
}

/** workflow_dispatch inputs for one moved tag: the target's (or the default) inputs, placeholders expanded. */
export function workflowInputs(
  target: Pick<DispatchTarget, 'inputs'>,
  m: MovedTag,
  src: DispatchSource,
  where: string,
  all: readonly MovedTag[] = [m],
): Record<string, string> {
  const spec = target.inputs ?? DEFAULT_WORKFLOW_INPUTS;
  const names = Object.keys(spec);
  if (names.length > WORKFLOW_DISPATCH_MAX_INPUTS) {
    throw new ImagestreamsError(
      'DISPATCH_CONFIG',
      `${where}: ${names.length} inputs, GitHub accepts at most ${WORKFLOW_DISPATCH_MAX_INPUTS}; remove some`,
      { data: { inputs: names.length } },
    );
  }
  const vals = values(m, src, all);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec))
    out[k] = expandPlaceholders(String(v), vals, `${where} input ${k}`);
  return out;
}
