// The integrated registry: a `referencePolicy: Local` tag's image is copied into `<localRegistry>/<ns>/<stream>`
// before any lock or PR pins consumers to it there. On import (wrapping `importTag`: a failed copy is a failed
// import, so the lock keeps its last image) and on demand (`imagestreams mirror`, for what the lock pins).

import { type Config, registryAllowed } from '../config/config.js';
import { ImagestreamsError } from '../model/errors.js';
import type { TagHistoryItem } from '../model/lock.js';
import { type ImageRef, tryParseReference } from '../model/reference.js';
import type { ImportRequest, StreamState } from '../plan/next-locks.js';
import { streamSelected } from '../plan/next-locks.js';
import { followTarget, splitTagKey, tagKey } from '../policy/tag-spec.js';
import type { Access } from '../registry/access.js';
import type { RegistryClientOptions } from '../registry/client.js';
import { type Copier, type CopyReport, createCopier } from '../registry/copy/copier.js';
import { registryOptionsFromConfig } from '../registry/from-config.js';
import { sanitizeText } from '../registry/validate.js';
import type { Logger } from '../util/logger.js';
import { mapLimit } from '../util/map-limit.js';
import type { ImportResult } from './imports.js';

/** One image to put in the local registry: a stream tag and the item its lock pins. */
export interface MirrorItem {
  namespace: string;
  stream: string;
  tag: string;
  item: Pick<TagHistoryItem, 'dockerImageReference' | 'image' | 'index'>;
}

/** What mirroring one tag did: where the image is now, or why it is not there and what to do. */
export type MirrorOutcome =
  | { key: string; ok: true; source: string; target: string; report: CopyReport }
  | {
      key: string;
      ok: false;
      source: string;
      target: string;
      reason: string;
      message: string;
      temporary: boolean;
    };

/** The parts mirroring needs: the copier and the project's rules. */
export interface MirrorDeps {
  copier: Pick<Copier, 'copy'>;
  config: Pick<Config, 'localRegistry' | 'allowedRegistries'>;
  logger: Logger;
}

/** True when the stream tag is declared `referencePolicy: Local`. */
export function isLocalTag(
  streams: readonly Pick<StreamState, 'namespace' | 'name' | 'object'>[],
  namespace: string,
  stream: string,
  tag: string,
): boolean {
  const s = streams.find((x) => x.namespace === namespace && x.name === stream);
  return s?.object.spec?.tags?.find((t) => t.name === tag)?.referencePolicy?.type === 'Local';
}

/**
 * The Local tags that will pin the image imported for `key`: the tag itself when it is Local, and every Local tag
 * following it through ImageStreamTag chains of any length (they take its image in the same run). Pure.
 */
export function localTagsFed(
  streams: readonly Pick<StreamState, 'namespace' | 'name' | 'object'>[],
  key: string,
): { namespace: string; stream: string; tag: string }[] {
  const followers = new Map<string, { namespace: string; stream: string; tag: string }[]>();
  for (const s of streams) {
    for (const t of s.object.spec?.tags ?? []) {
      if (t.from?.kind !== 'ImageStreamTag' || t.reference) continue;
      const to = followTarget(s.namespace, s.name, t.from);
      if (!to) continue;
      const k = tagKey(to.namespace, to.stream, to.tag);
      followers.set(k, [
        ...(followers.get(k) ?? []),
        { namespace: s.namespace, stream: s.name, tag: t.name },
      ]);
    }
  }
  const out: { namespace: string; stream: string; tag: string }[] = [];
  const seen = new Set<string>();
  const visit = (k: string, t: { namespace: string; stream: string; tag: string }) => {
    if (seen.has(k)) return;
    seen.add(k);
    if (isLocalTag(streams, t.namespace, t.stream, t.tag)) out.push(t);
    for (const f of followers.get(k) ?? []) visit(tagKey(f.namespace, f.stream, f.tag), f);
  };
  visit(key, splitTagKey(key));
  return out;
}

/** Every Local tag of the selected streams with a locked image (what `imagestreams mirror` copies). Pure. */
export function lockedLocalTags(
  streams: readonly Pick<StreamState, 'namespace' | 'name' | 'object' | 'lock'>[],
  only?: ReadonlySet<string>,
): MirrorItem[] {
  const out: MirrorItem[] = [];
  for (const s of streams) {
    if (!streamSelected(s, only)) continue;
    for (const t of s.lock?.status.tags ?? []) {
      const item = t.items[0];
      if (item && isLocalTag([s], s.namespace, s.name, t.tag))
        out.push({ namespace: s.namespace, stream: s.name, tag: t.tag, item });
    }
  }
  return out;
}

const FIX =
  'the lock keeps its last image; make sure the registry at localRegistry is reachable and that its credentials may push there, then run `imagestreams mirror`';

/** Copy one tag's image (the whole index when there is one) into the local registry; never throws. */
export async function mirrorItem(deps: MirrorDeps, m: MirrorItem): Promise<MirrorOutcome> {
  const key = tagKey(m.namespace, m.stream, m.tag);
  const local = deps.config.localRegistry;
  const target = `${local}/${m.namespace}/${m.stream}`;
  const source = m.item.dockerImageReference;
  const failed = (reason: string, message: string, temporary = false): MirrorOutcome => ({
    key,
    ok: false,
    source,
    target,
    reason,
    message: sanitizeText(message, 500),
    temporary,
  });
  const src = tryParseReference(source);
  const dst = tryParseReference(target);
  if ('error' in src) return failed('InvalidImageName', src.error.message);
  if ('error' in dst || !local)
    return failed('InvalidLocalRegistry', `localRegistry gives the invalid repository "${target}"`);
  if (!registryAllowed(deps.config, dst.ref.domain))
    return failed(
      'NotAllowed',
      `the local registry ${dst.ref.domain} is not in allowedRegistries; nothing was pushed`,
    );
  const from: ImageRef = { domain: src.ref.domain, path: src.ref.path };
  const digest = m.item.index ?? m.item.image;
  try {
    const report = await deps.copier.copy({ source: from, target: dst.ref, digest, tag: m.tag });
    deps.logger.info('mirrored', {
      tag: key,
      target: `${target}@${digest}`,
      blobsCopied: report.blobs.copied,
      blobsMounted: report.blobs.mounted,
      blobsPresent: report.blobs.present,
      bytes: report.blobs.bytes,
    });
    return { key, ok: true, source, target: `${target}@${digest}`, report };
  } catch (e) {
    if (!(e instanceof ImagestreamsError)) throw e;
    return failed(
      'MirrorFailed',
      `copying ${source} to ${target} failed: ${e.message}; ${FIX}`,
      !e.permanent,
    );
  }
}

/** Mirror many tags, a few at a time, reporting each as it completes. */
export async function mirrorItems(
  deps: MirrorDeps,
  items: readonly MirrorItem[],
  onDone?: (o: MirrorOutcome) => void,
): Promise<MirrorOutcome[]> {
  return mapLimit(items, 2, async (m) => {
    const o = await mirrorItem(deps, m);
    onDone?.(o);
    return o;
  });
}

/**
 * A copier configured from the project: the same keychain, insecure registries and allowlist as imports. Given
 * `access` (the run's registry client's, built from the same config and overrides) it copies over that client's
 * pool and auth session; without it (`imagestreams mirror`) it builds its own, once.
 */
export function createProjectCopier(
  config: Config,
  env: Record<string, string | undefined>,
  logger: Logger,
  overrides: Partial<RegistryClientOptions> = {},
  access?: Access,
): Copier {
  const fromConfig = registryOptionsFromConfig(config, env, logger);
  return createCopier({
    ...(access ? { access } : {}),
    keychain: fromConfig.keychain!,
    isInsecure: fromConfig.isInsecure!,
    hostPolicy: fromConfig.hostPolicy!,
    logger,
    ...(overrides.keychain ? { keychain: overrides.keychain } : {}),
    ...(overrides.clock ? { clock: overrides.clock } : {}),
    ...(overrides.backoffBaseMs !== undefined ? { backoffBaseMs: overrides.backoffBaseMs } : {}),
    ...(overrides.timeoutMs !== undefined ? { timeoutMs: overrides.timeoutMs } : {}),
  });
}

/**
 * The import hook of a run: with `localRegistry` set (and not a dry run), an import succeeds only once its image
 * is in the local registry for the tag and each Local tag following it (a failure holds the whole chain back). Returns `importTag` unchanged when there is nothing to mirror.
 */
export function mirrorOnImport(o: {
  config: Config;
  env: Record<string, string | undefined>;
  logger: Logger;
  streams: readonly Pick<StreamState, 'namespace' | 'name' | 'object'>[];
  dryRun?: boolean;
  client?: Partial<RegistryClientOptions>;
  /** The importer's registry access: copies share its connection pool and tokens. */
  access?: Access;
}): {
  wrap: (importTag: (r: ImportRequest) => Promise<ImportResult>) => typeof importTag;
  close: () => void;
} {
  const wanted =
    o.config.localRegistry !== undefined &&
    !o.dryRun &&
    o.streams.some((s) => (s.object.spec?.tags ?? []).some((t) => t.referencePolicy?.type === 'Local'));
  if (!wanted) return { wrap: (f) => f, close: () => {} };
  const copier = createProjectCopier(o.config, o.env, o.logger, o.client, o.access);
  const deps: MirrorDeps = { copier, config: o.config, logger: o.logger };
  return {
    wrap: (importTag) => async (req) => {
      const result = await importTag(req);
      if (!result.ok) return result;
      // The tag and its Local followers, one after another: the first failure holds them all back.
      for (const t of localTagsFed(o.streams, req.key)) {
        const m = await mirrorItem(deps, { ...t, item: result.item });
        if (!m.ok) return { ok: false, reason: m.reason, message: m.message, temporary: m.temporary };
      }
      return result;
    },
    close: () => copier.close(),
  };
}
