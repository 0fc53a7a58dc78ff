// What `verify --registry` asks the registries (pure): for every declared tag with a locked image, each digest the
// lock holds for it (image, index, every platform) and the repository it must exist in — the one the tag's
// declaration names (at the end of its ImageStreamTag chain), and for `referencePolicy: Local` the local registry's
// repository its consumers are pinned to. Checks are deduplicated by repository and digest.

import type { StreamLock } from '../model/lock.js';
import { tryParseReference } from '../model/reference.js';
import { importIsInsecure, type LoadedStream, streamTags } from '../model/stream.js';
import { followChain, type StreamIndex } from '../policy/follow-chain.js';
import { specKey, splitTagKey } from '../policy/tag-spec.js';

/** Where a locked digest sits: the stream's lock, the JSON path of the digest, and what it is. */
export interface LockSite {
  /** `namespace/stream:tag`. */
  tag: string;
  namespace: string;
  stream: string;
  /** The path of the digest inside the lock, for its line (`status.tags.3.items.0.image`). */
  path: (string | number)[];
  /** `image`, `index`, `platform linux/arm64`, or `image at the local registry`. */
  what: string;
  digest: string;
}

/** One HEAD to make: a digest in a repository, and every lock site it stands for. */
export interface RegistryCheck {
  /** `domain/path@digest` (the dedup key, with ` (insecure)` for an insecure call). */
  key: string;
  domain: string;
  /** The repository, `domain/path`. */
  repository: string;
  digest: string;
  insecure: boolean;
  sites: LockSite[];
}

/** A problem found without asking any registry. */
export interface LockSiteProblem {
  code: 'LOCKED_REPOSITORY_MISMATCH' | 'LOCKED_SPEC_STALE';
  severity: 'error' | 'warning';
  site: LockSite;
  message: string;
}

/** What to check, and what the declarations and locks already say. */
export interface RegistryCheckPlan {
  checks: RegistryCheck[];
  problems: LockSiteProblem[];
}

/** `domain/path` of a reference, or undefined when it does not parse. */
function repositoryOf(reference: string): { domain: string; repository: string } | undefined {
  const p = tryParseReference(reference);
  return 'ref' in p ? { domain: p.ref.domain, repository: `${p.ref.domain}/${p.ref.path}` } : undefined;
}

interface PlanContext {
  index: StreamIndex;
  locks: ReadonlyMap<string, StreamLock>;
  defaultImportMode: 'Legacy' | 'PreserveOriginal';
  localRegistry?: string;
  checks: Map<string, RegistryCheck>;
  problems: LockSiteProblem[];
}

/** Record that `digest` must exist in `repository`, once per repository, digest and insecure flag. */
function need(c: PlanContext, at: { domain: string; repository: string }, insecure: boolean, site: LockSite) {
  const key = `${at.repository}@${site.digest}${insecure ? ' (insecure)' : ''}`;
  let check = c.checks.get(key);
  if (!check) {
    check = { key, ...at, digest: site.digest, insecure, sites: [] };
    c.checks.set(key, check);
  }
  check.sites.push(site);
}

/** Where a tag's image comes from: the DockerImage at the end of its chain, and whether any lock on it is stale. */
function sourceOf(c: PlanContext, s: LoadedStream, tag: string) {
  const chain = followChain(c.index, s.namespace, s.name, tag, s);
  let stale = false;
  let source: { from: string; insecure: boolean } | undefined;
  for (const key of chain.cycle ? [] : chain.chain) {
    const { namespace, stream, tag: t } = splitTagKey(key);
    const decl = c.index.get(`${namespace}/${stream}`);
    const spec = decl && streamTags(decl.object).find((x) => x.name === t);
    if (!decl || !spec) return { stale };
    const locked = c.locks.get(`${namespace}/${stream}`)?.status.tags.find((x) => x.tag === t)?.spec;
    if (locked !== undefined && locked !== specKey(spec, c.defaultImportMode)) stale = true;
    if (spec.from?.kind === 'DockerImage' && !spec.reference) {
      source = { from: spec.from.name, insecure: importIsInsecure(decl.object.metadata ?? {}, spec) };
    }
  }
  return { stale, ...(source ? { source } : {}) };
}

/** The lock sites of one tag's current image: image, index and every platform, each digest once. */
function sitesOf(lock: StreamLock, ns: string, stream: string, tagIndex: number): LockSite[] {
  const t = lock.status.tags[tagIndex]!;
  const item = t.items[0]!;
  const base = ['status', 'tags', tagIndex, 'items', 0];
  const site = (what: string, digest: string, path: (string | number)[]): LockSite => ({
    tag: `${ns}/${stream}:${t.tag}`,
    namespace: ns,
    stream,
    path: [...base, ...path],
    what,
    digest,
  });
  const out = [site('image', item.image, ['image'])];
  if (item.index && item.index !== item.image) out.push(site('index', item.index, ['index']));
  (item.platforms ?? []).forEach((p, i) => {
    const name = [p.os, p.architecture, p.variant].filter(Boolean).join('/');
    if (!out.some((o) => o.digest === p.digest)) {
      out.push(site(`platform ${name}`, p.digest, ['platforms', i, 'digest']));
    }
  });
  return out;
}

/** Plan one declared tag: its lock sites against the declared repository (and the local registry's). */
function planTag(c: PlanContext, s: LoadedStream, lock: StreamLock, tagIndex: number): void {
  const lt = lock.status.tags[tagIndex]!;
  const spec = streamTags(s.object).find((x) => x.name === lt.tag);
  const item = lt.items[0];
  if (!spec || !item || spec.reference) return;
  const sites = sitesOf(lock, s.namespace, s.name, tagIndex);
  const locked = repositoryOf(item.dockerImageReference);
  const { stale, source } = sourceOf(c, s, lt.tag);
  const declared = source ? repositoryOf(source.from) : undefined;
  const imageSite = { ...sites[0]!, path: [...sites[0]!.path.slice(0, -1), 'dockerImageReference'] };
  let repo = declared ?? locked;
  if (declared && declared.repository !== locked?.repository) {
    const names = `the lock names ${locked?.repository ?? item.dockerImageReference} but the tag declares ${declared.repository}`;
    if (!stale || !locked) {
      c.problems.push({
        code: 'LOCKED_REPOSITORY_MISMATCH',
        severity: 'error',
        site: imageSite,
        message: names,
      });
      repo = undefined;
    } else {
      c.problems.push({
        code: 'LOCKED_SPEC_STALE',
        severity: 'warning',
        site: imageSite,
        message: `${names}, and the declaration changed since the lock was written: its digests are checked in ${locked.repository}`,
      });
      repo = locked;
    }
  }
  if (repo) for (const site of sites) need(c, repo, source?.insecure ?? false, site);
  if (spec.referencePolicy?.type === 'Local' && c.localRegistry) {
    const local = repositoryOf(`${c.localRegistry}/${s.namespace}/${s.name}`);
    if (local) need(c, local, false, { ...sites[0]!, what: 'image at the local registry' });
  }
}

/** Every check `verify --registry` makes for the declared streams and their locks (`namespace/name` keys). */
export function planRegistryChecks(
  streams: readonly LoadedStream[],
  index: StreamIndex,
  locks: ReadonlyMap<string, StreamLock>,
  opts: { defaultImportMode?: 'Legacy' | 'PreserveOriginal'; localRegistry?: string } = {},
): RegistryCheckPlan {
  const c: PlanContext = {
    index,
    locks,
    defaultImportMode: opts.defaultImportMode ?? 'Legacy',
    ...(opts.localRegistry ? { localRegistry: opts.localRegistry } : {}),
    checks: new Map(),
    problems: [],
  };
  for (const s of streams) {
    const lock = locks.get(`${s.namespace}/${s.name}`);
    if (!lock || index.get(`${s.namespace}/${s.name}`) !== s) continue;
    for (let i = 0; i < lock.status.tags.length; i++) planTag(c, s, lock, i);
  }
  return { checks: [...c.checks.values()], problems: c.problems };
}
