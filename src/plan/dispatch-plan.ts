// Post-merge dispatches as data: which configured target receives which moved tag, with what payload, inputs or
// environment — checked against GitHub's limits before anything is sent.

import type { DispatchTarget } from '../config/config.js';
import { ImagestreamsError } from '../model/errors.js';
import type { MovedTag } from './moved-tags.js';

/** `event_type` sent when a repository_dispatch target sets no `eventType`. */
export const DEFAULT_EVENT_TYPE = 'imagestream-moved';
/** GitHub's limit on `event_type` (repos/create-dispatch-event, OpenAPI maxLength). */
export const EVENT_TYPE_MAX_LENGTH = 100;
/** GitHub's limit on top-level `client_payload` keys (repos/create-dispatch-event, OpenAPI maxProperties). */
export const CLIENT_PAYLOAD_MAX_PROPERTIES = 10;
/** GitHub's limit on workflow_dispatch `inputs` (actions/create-workflow-dispatch, OpenAPI maxProperties). */
export const WORKFLOW_DISPATCH_MAX_INPUTS = 25;
/** The token variable used when a GitHub target sets no `tokenEnv`. */
export const DEFAULT_TOKEN_ENV = 'GITHUB_TOKEN';

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

/** Where the lock change landed: the repository (owner/name) and the commit that carries it. */
export interface DispatchSource {
  repository?: string;
  sha: string;
}

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

interface JobBase {
  /** Index of the target in the config's `dispatch` list. */
  target: number;
  /** e.g. `repository_dispatch acme/deploy (imagestream-moved)`. */
  description: string;
  /** The first tag that reached the digest (named in payloads as namespace/stream/tag). */
  moved: MovedTag;
  /** Every tag the target wants that reached the same digest: one deploy, not one per tag. */
  tags: MovedTag[];
  /** Set when the target cannot be sent as configured; the job is reported as failed, never sent. */
  error?: ImagestreamsError;
}

/** One dispatch to send: a target × a moved tag. */
export type DispatchJob =
  | (JobBase & {
      type: 'repository_dispatch';
      owner: string;
      repo: string;
      tokenEnv: string;
      body: RepositoryDispatchBody;
    })
  | (JobBase & {
      type: 'workflow_dispatch';
      owner: string;
      repo: string;
      tokenEnv: string;
      workflow: string;
      /** undefined: the repository's default branch. */
      ref?: string;
      inputs: Record<string, string>;
    })
  | (JobBase & { type: 'command'; argv: string[]; env: Record<string, string> });

/** `namespace/stream:tag`. */
function tagName(m: MovedTag): string {
  return `${m.namespace}/${m.stream}:${m.tag}`;
}

function values(
  m: MovedTag,
  src: DispatchSource,
  all: readonly MovedTag[] = [m],
): Record<Placeholder, string> {
  return {
    tags: all.map(tagName).join(','),
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

/** A `streams` pattern as a regular expression: `*` and `?` match within one `/`-separated part. */
function patternRegExp(p: string): RegExp {
  const body = p
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** True when `target.streams` (names, namespace/name, optionally `:tag`, globs) selects the moved tag. */
export function targetWants(target: Pick<DispatchTarget, 'streams'>, m: MovedTag): boolean {
  if (!target.streams || target.streams.length === 0) return true;
  return target.streams.some((p) => {
    const subject =
      (p.includes('/') ? `${m.namespace}/${m.stream}` : m.stream) + (p.includes(':') ? `:${m.tag}` : '');
    return patternRegExp(p).test(subject);
  });
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
      namespace: m.namespace,
      stream: m.stream,
      tag: m.tag,
      old: m.old?.image ?? null,
      new: m.new.image,
      dockerImageReference: m.new.dockerImageReference,
      oldDockerImageReference: m.old?.dockerImageReference ?? null,
      repository: src.repository ?? null,
      sha: src.sha,
      tags: all.map(tagName),
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

function splitRepository(full: string | undefined): { owner: string; repo: string } | undefined {
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(full ?? '');
  return m ? { owner: m[1]!, repo: m[2]! } : undefined;
}

/** How a target is named in reports (never contains a secret: only config values). */
export function describeTarget(t: DispatchTarget, defaultRepository?: string): string {
  const repo = t.repository ?? defaultRepository ?? '(no repository)';
  switch (t.type) {
    case 'repository_dispatch':
      return `repository_dispatch ${repo} (${t.eventType ?? DEFAULT_EVENT_TYPE})`;
    case 'workflow_dispatch':
      return `workflow_dispatch ${repo} ${t.workflow ?? '(no workflow)'}${t.ref ? `@${t.ref}` : ''}`;
    default:
      return `command ${(t.command ?? []).join(' ')}`;
  }
}

function configError(where: string, message: string): ImagestreamsError {
  return new ImagestreamsError('DISPATCH_CONFIG', `${where}: ${message}`, { data: {} });
}

function job(t: DispatchTarget, index: number, all: MovedTag[], src: DispatchSource): DispatchJob {
  const m = all[0]!;
  const description = describeTarget(t, src.repository);
  const where = `dispatch[${index}] (${t.type})`;
  const base = { target: index, description, moved: m, tags: all };
  if (t.type === 'command') {
    const argv = t.command ?? [];
    return {
      ...base,
      type: 'command',
      argv,
      env: commandEnv(m, src, all),
      ...(argv.length === 0
        ? { error: configError(where, 'set `command` to the program and its arguments') }
        : {}),
    };
  }
  const full = t.repository ?? src.repository;
  const parts = splitRepository(full);
  const tokenEnv = t.tokenEnv ?? DEFAULT_TOKEN_ENV;
  const repoErr = parts
    ? undefined
    : configError(
        where,
        full
          ? `repository ${JSON.stringify(full)} is not owner/name`
          : 'no repository: set `repository: owner/name` or run where GITHUB_REPOSITORY is set',
      );
  const { owner, repo } = parts ?? { owner: '', repo: '' };
  if (t.type === 'repository_dispatch') {
    const eventType = t.eventType ?? DEFAULT_EVENT_TYPE;
    let error = repoErr;
    if (!error && (eventType.length === 0 || eventType.length > EVENT_TYPE_MAX_LENGTH)) {
      error = configError(where, `eventType must be 1 to ${EVENT_TYPE_MAX_LENGTH} characters`);
    }
    if (!error && t.inputs) error = configError(where, '`inputs` applies to workflow_dispatch targets only');
    return {
      ...base,
      type: 'repository_dispatch',
      owner,
      repo,
      tokenEnv,
      body: repositoryDispatchBody(eventType, m, src, all),
      ...(error ? { error } : {}),
    };
  }
  let error = repoErr;
  let inputs: Record<string, string> = {};
  if (!t.workflow)
    error ??= configError(where, 'set `workflow` to the workflow file name (e.g. build.yml) or id');
  try {
    inputs = workflowInputs(t, m, src, where, all);
  } catch (e) {
    error ??= e as ImagestreamsError;
  }
  return {
    ...base,
    type: 'workflow_dispatch',
    owner,
    repo,
    tokenEnv,
    workflow: t.workflow ?? '',
    ...(t.ref ? { ref: t.ref } : {}),
    inputs,
    ...(error ? { error } : {}),
  };
}

/**
 * Every dispatch to send: for each target (in config order), one job per image digest that the tags it wants
 * moved to, listing all of them (`3.12`, `latest` and `edge` reaching one digest are one deploy, not three).
 */
export function planDispatches(
  targets: readonly DispatchTarget[],
  moved: readonly MovedTag[],
  src: DispatchSource,
): DispatchJob[] {
  const jobs: DispatchJob[] = [];
  targets.forEach((t, i) => {
    const byDigest = new Map<string, MovedTag[]>();
    for (const m of moved) {
      if (!targetWants(t, m)) continue;
      const list = byDigest.get(m.new.image) ?? [];
      list.push(m);
      byDigest.set(m.new.image, list);
    }
    for (const all of byDigest.values()) jobs.push(job(t, i, all, src));
  });
  return jobs;
}
