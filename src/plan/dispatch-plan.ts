// Post-merge dispatches as data: which configured target receives which moved tag, with what payload, inputs or
// environment — checked against GitHub's limits before anything is sent.

import type { DispatchTarget } from '../config/config.js';
import { ImagestreamsError } from '../model/errors.js';
import {
  commandEnv,
  type DispatchSource,
  type RepositoryDispatchBody,
  repositoryDispatchBody,
  workflowInputs,
} from './dispatch-payload.js';
import type { MovedTag } from './moved-tags.js';

/** `event_type` sent when a repository_dispatch target sets no `eventType`. */
export const DEFAULT_EVENT_TYPE = 'imagestream-moved';
/** GitHub's limit on `event_type` (repos/create-dispatch-event, OpenAPI maxLength). */
export const EVENT_TYPE_MAX_LENGTH = 100;
/** GitHub's limit on top-level `client_payload` keys (repos/create-dispatch-event, OpenAPI maxProperties). */
export const CLIENT_PAYLOAD_MAX_PROPERTIES = 10;
/** The token variable used when a GitHub target sets no `tokenEnv`. */
export const DEFAULT_TOKEN_ENV = 'GITHUB_TOKEN';

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
