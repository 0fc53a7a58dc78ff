// The import use case (`oc import-image`): import a stream's tags now, whether or not they are due, after pointing
// the tag at a new source (--from) or writing its policies when asked; the lock and the consumers that follow are
// updated in the same run, and published per the mode. Returns what it did.

import type { EditOp } from '../edit/yaml-edit.js';
import type { LoadedProject } from '../loader/load.js';
import { hasErrors } from '../model/diagnostic.js';
import { ImagestreamsError } from '../model/errors.js';
import type { LoadedStream, TagReference } from '../model/stream.js';
import { newTag, type TagSpecChange, tagSpecEdits } from '../policy/tag-edit.js';
import { tagKey } from '../policy/tag-spec.js';
import { omitUndefined } from '../util/omit-undefined.js';
import type { AppDeps } from './deps.js';
import type { JobResult } from './job.js';
import { openProject } from './project.js';
import { type EditStop, type RecordRequest, recordEdit } from './record.js';
import { applyTagEdits, findStream } from './stream-edits.js';

/** The policies to write into the tag, as `oc import-image` sets them. */
export interface TagPolicies {
  importPolicy: Record<string, unknown>;
  referencePolicy?: { type: string };
}

/** What to import. */
export interface ImportRequest extends RecordRequest {
  namespace?: string;
  stream: string;
  /** Default `latest`; unset with `all`. */
  tag?: string;
  /** Every DockerImage tag of the stream. */
  all: boolean;
  /** Point the tag at this pull spec first. */
  from?: string;
  /** Allow `from` to create the stream or the tag. */
  confirm: boolean;
  policies: TagPolicies;
}

/** What the import did: why it stopped, or the run that imported (and published). */
export interface ImportResult {
  stop?: EditStop;
  job?: JobResult;
}

/** Edits that write the policies into a tag, key by key where the tag already has the map. */
export function policyOps(p: TagPolicies, tag: TagReference | undefined): EditOp[] {
  const ops: EditOp[] = [];
  if (Object.keys(p.importPolicy).length > 0) {
    if (tag?.importPolicy) {
      for (const [k, value] of Object.entries(p.importPolicy)) {
        ops.push({ op: 'set', path: ['importPolicy', k], value });
      }
    } else ops.push({ op: 'set', path: ['importPolicy'], value: p.importPolicy });
  }
  if (p.referencePolicy) {
    ops.push(
      tag?.referencePolicy
        ? { op: 'set', path: ['referencePolicy', 'type'], value: p.referencePolicy.type }
        : { op: 'set', path: ['referencePolicy'], value: p.referencePolicy },
    );
  }
  return ops;
}

/** True when the request sets any policy. */
export function setsPolicies(p: TagPolicies): boolean {
  return Object.keys(p.importPolicy).length > 0 || p.referencePolicy !== undefined;
}

const usage = (message: string): ImportResult => ({ stop: { status: 'usage', message } });

/** Import the tags the request names (every failure is a stop; a bad request is a usage stop). */
export async function importTags(deps: AppDeps, req: ImportRequest): Promise<ImportResult> {
  try {
    return await importChecked(deps, req);
  } catch (e) {
    if (e instanceof ImagestreamsError) return { stop: { status: 'failed', message: e.message } };
    throw e;
  }
}

/** The project reloaded after an edit (a dry run keeps the one given); a stop when it has errors. */
async function reload(
  deps: AppDeps,
  req: ImportRequest,
  project: LoadedProject,
): Promise<LoadedProject | EditStop> {
  if (req.dryRun) return project;
  const reloaded = await openProject(deps.cwd, omitUndefined({ configPath: req.configPath }));
  return hasErrors(reloaded.diagnostics) ? { status: 'usage', diagnostics: reloaded.diagnostics } : reloaded;
}

const isStop = (p: LoadedProject | EditStop): p is EditStop => 'status' in p;

async function importChecked(deps: AppDeps, req: ImportRequest): Promise<ImportResult> {
  let project: LoadedProject | EditStop = await openProject(
    deps.cwd,
    omitUndefined({ configPath: req.configPath }),
  );
  if (hasErrors(project.diagnostics)) return { stop: { status: 'usage', diagnostics: project.diagnostics } };
  const ns = req.namespace ?? project.config.namespace;
  const { stream: name } = req;
  const tag = req.tag || 'latest';
  let stream = findStream(project, ns, name);
  if (req.from) {
    const exists = stream?.object.spec?.tags?.some((t) => t.name === tag);
    if ((!stream || !exists) && !req.confirm) {
      return usage(
        `${stream ? `tag ${name}:${tag}` : `stream ${ns}/${name}`} does not exist; add --confirm to create it`,
      );
    }
    await applyTagEdits(project, [fromEdit(stream, ns, name, tag, req)], {
      createStreams: true,
      dryRun: Boolean(req.dryRun),
    });
    project = await reload(deps, req, project);
    if (isStop(project)) return { stop: project };
    stream = findStream(project, ns, name);
  }
  if (!stream) return usage(`stream ${ns}/${name} is not declared (use --from REF --confirm to create it)`);
  const chosen = chosenTags(stream, req.all, tag, Boolean(req.from));
  if (!Array.isArray(chosen)) return chosen;
  if (!req.from && setsPolicies(req.policies)) {
    const ops = policyOps(req.policies, chosen[0]);
    await applyTagEdits(project, [{ namespace: ns, stream: name, tag, ops }], {
      createStreams: false,
      dryRun: Boolean(req.dryRun),
    });
    project = await reload(deps, req, project);
    if (isStop(project)) return { stop: project };
  }
  const forced = new Set(chosen.map((t) => tagKey(ns, name, t.name)));
  if (req.from && forced.size === 0) forced.add(tagKey(ns, name, tag));
  return { job: await recordEdit(deps, project, { ...req, only: new Set([`${ns}/${name}`]), forced }) };
}

/** The tag edit of --from: the same as `tag` and `rollback` (a stale from.namespace and rolled-back-from note go),
 * with the policies the options ask for merged key by key. */
function fromEdit(
  stream: LoadedStream | undefined,
  namespace: string,
  name: string,
  tag: string,
  req: ImportRequest,
) {
  const { importPolicy, referencePolicy } = req.policies;
  const fields: Record<string, unknown> = {
    ...(Object.keys(importPolicy).length > 0 ? { importPolicy } : {}),
    ...omitUndefined({ referencePolicy }),
  };
  const change: TagSpecChange = {
    from: { kind: 'DockerImage', name: req.from! },
    ...(Object.keys(fields).length > 0 ? { fields } : {}),
  };
  const existing = stream?.object.spec?.tags?.find((t) => t.name === tag);
  return {
    namespace,
    stream: name,
    tag,
    ops: existing ? tagSpecEdits(existing, change) : [],
    create: newTag(tag, change),
  };
}

/** The tags to import: every DockerImage tag with `all`, else the one named; a usage stop for any other kind. */
function chosenTags(
  stream: LoadedStream,
  all: boolean,
  tag: string,
  from: boolean,
): TagReference[] | ImportResult {
  const name = stream.name;
  const tags = stream.object.spec?.tags ?? [];
  const chosen = all
    ? tags.filter((t) => t.from?.kind === 'DockerImage' && !t.reference)
    : tags.filter((t) => t.name === tag);
  if (!from && chosen.length === 0) {
    return usage(
      all
        ? `${name} has no DockerImage tags to import`
        : `tag ${name}:${tag} does not exist (tags: ${tags.map((t) => t.name).join(', ') || 'none'})`,
    );
  }
  const other = chosen.find((t) => t.from?.kind !== 'DockerImage' || t.reference);
  if (other) {
    return usage(
      `${name}:${other.name} is ${other.reference ? 'a reference tag' : `a ${other.from?.kind} tag`}; only DockerImage tags are imported (it follows its source on every reconcile)`,
    );
  }
  return chosen;
}
