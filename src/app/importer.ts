// Composition: the registry client, configured from the project, as the reconciler's `importTag` dependency.

import { type Config, registryAllowed, registryMatches } from '../config/config.js';
import { hasCode, ImagestreamsError } from '../model/errors.js';
import { pinned, tryParseReference } from '../model/reference.js';
import type { ImageMetadata } from '../plan/changes.js';
import type { ImportRequest } from '../plan/next-locks.js';
import { createRegistryClient, type RegistryClientOptions } from '../registry/client.js';
import { registryOptionsFromConfig } from '../registry/from-config.js';
import { createRunResolver } from '../registry/run-resolver.js';
import { createTagLister, type TagListLimits } from '../registry/tag-lister.js';
import { sanitizeText } from '../registry/validate.js';
import type { Logger } from '../util/logger.js';
import type { ImportResult } from './imports.js';

/** Options of createImporter. */
export interface ImporterOptions {
  config: Config;
  env: Record<string, string | undefined>;
  logger: Logger;
  /** Fetch creation time and labels of new images (for PR bodies). */
  withMetadata?: boolean;
  /** Overrides for the client (transport, clock, timeouts) — tests and the daemon. */
  client?: Partial<RegistryClientOptions>;
  /** Whole-run deadline: once `signal` aborts, no registry request starts and waiting imports are skipped. */
  deadline?: { signal: AbortSignal; seconds: number };
  /** Bounds of tag lists read for tag selection policies (tests use small pages). */
  tagLists?: Partial<TagListLimits>;
}

/** OpenShift-style condition reasons for our error codes. */
const REASONS: Record<string, string> = {
  MANIFEST_UNKNOWN: 'NotFound',
  NAME_UNKNOWN: 'NotFound',
  UNAUTHORIZED: 'Unauthorized',
  DENIED: 'Unauthorized',
  RATE_LIMITED: 'RateLimited',
  REGISTRY_UNAVAILABLE: 'ServiceUnavailable',
  TIMEOUT: 'Timeout',
  DIGEST_MISMATCH: 'DigestMismatch',
  BAD_RESPONSE: 'InvalidResponse',
  NOT_ALLOWED: 'NotAllowed',
  INSECURE_NOT_ALLOWED: 'NotAllowed',
  PLATFORM_NOT_FOUND: 'PlatformNotFound',
};

function reasonOf(code: string): string {
  return (
    REASONS[code] ??
    code
      .toLowerCase()
      .split('_')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('')
  );
}

/** What a user must know when the default Legacy mode meets a multi-arch source, and the two ways to choose. */
export function legacyMultiArchWarning(
  req: Pick<ImportRequest, 'namespace' | 'stream' | 'tag' | 'from'>,
  platforms: readonly { os: string; architecture: string; variant?: string }[],
  chosen?: { os: string; architecture: string; variant?: string },
): string {
  const name = (p: { os: string; architecture: string; variant?: string }) =>
    [p.os, p.architecture, p.variant].filter(Boolean).join('/');
  return (
    `${req.namespace}/${req.stream}:${req.tag}: ${req.from} is multi-arch (${platforms.map(name).join(', ')}), ` +
    `and importMode Legacy (the default) pins its consumers to ${chosen ? name(chosen) : 'one platform'} only, ` +
    'which breaks builders and nodes of the other platforms. Set importPolicy.importMode: PreserveOriginal on ' +
    'the tag (or importMode: PreserveOriginal in .imagestreams.yaml) to pin the index, or importMode: Legacy to ' +
    'keep one platform and silence this warning.'
  );
}

/** Build `importTag` for one run (each repo:tag asked once), plus its report and a close(). */
export function createImporter(o: ImporterOptions) {
  const fromConfig = registryOptionsFromConfig(o.config, o.env, o.logger);
  const client = createRegistryClient({ ...fromConfig, logger: o.logger, ...o.client });
  const resolver = createRunResolver(client);
  const deadline = o.deadline;
  /** References not imported because the run reached its deadline. */
  const pastDeadline = new Set<string>();
  const deadlineResult = (from: string): ImportResult => {
    pastDeadline.add(from);
    return {
      ok: false,
      reason: 'DeadlineExceeded',
      message: `skipped: the run reached its ${deadline!.seconds} s deadline before ${from} was imported; the last good image is kept`,
      temporary: true,
      skipped: true,
    };
  };
  /** Settles when the deadline passes (never, without one). */
  const expired = new Promise<'deadline'>((resolve) => {
    if (!deadline) return;
    if (deadline.signal.aborted) resolve('deadline');
    else deadline.signal.addEventListener('abort', () => resolve('deadline'), { once: true });
  });

  /** When the config names credential variables for this registry that are not set: which, and how to fix. */
  function unsetCredentials(domain: string): string | undefined {
    for (const [host, reg] of Object.entries(o.config.registries)) {
      if (!reg.credentials || !registryMatches(host, domain)) continue;
      const names = [reg.credentials.usernameEnv, reg.credentials.passwordEnv];
      const missing = names.filter((n) => !o.env[n]);
      if (missing.length === 0) continue;
      const list = missing.map((n) => `$${n}`).join(' and ');
      return (
        `The config names ${list} for ${host} (registries.${host}.credentials), but ` +
        `${missing.length > 1 ? 'they are' : 'it is'} not set: set ${missing.length > 1 ? 'them' : 'it'} in the ` +
        "environment (in a workflow, in the step's env: from secrets)"
      );
    }
    return undefined;
  }

  async function importTag(req: ImportRequest): Promise<ImportResult> {
    const parsed = tryParseReference(req.from);
    if ('error' in parsed) return { ok: false, reason: 'InvalidImageName', message: parsed.error.message };
    const ref = parsed.ref;
    if (!registryAllowed(o.config, ref.domain)) {
      return {
        ok: false,
        reason: 'NotAllowed',
        message: `registry ${ref.domain} is not in allowedRegistries of the config; nothing was contacted`,
      };
    }
    if (req.knownIndex) client.rememberIndex(ref, req.knownIndex.digest, req.knownIndex.platforms);
    if (deadline?.signal.aborted) return deadlineResult(req.from);
    try {
      const resolving = resolver.resolve(ref, {
        importMode: req.importMode,
        // `importPolicy.insecure` is decided per tag, as OpenShift does: other tags of the registry stay on HTTPS.
        ...(req.insecure ? { insecure: true } : {}),
        ...(req.preferArch ? { preferArch: req.preferArch } : {}),
        ...(req.preferOs ? { preferOs: req.preferOs } : {}),
        ...(o.withMetadata ? { withMetadata: true } : {}),
        known: req.locked ?? [],
      });
      // A request in flight at the deadline is not waited for (close() ends it).
      const r = deadline ? await Promise.race([resolving, expired]) : await resolving;
      if (r === 'deadline') {
        resolving.catch(() => {});
        return deadlineResult(req.from);
      }
      const item: Extract<ImportResult, { ok: true }>['item'] = {
        dockerImageReference: pinned(ref, r.digest),
        image: r.digest,
        mediaType: r.mediaType,
      };
      if (r.index && r.index !== r.digest) item.index = r.index;
      if (r.platforms?.length) item.platforms = r.platforms;
      if (
        req.importModeDefaulted &&
        req.importMode === 'Legacy' &&
        r.index &&
        (r.platforms?.length ?? 0) > 1
      ) {
        o.logger.warn(legacyMultiArchWarning(req, r.platforms!, r.chosen));
      }
      const result: ImportResult = { ok: true, item };
      if (r.metadata) {
        const { labels: _l, ...meta } = r.metadata;
        result.metadata = meta;
      }
      return result;
    } catch (e) {
      if (e instanceof ImagestreamsError) {
        const unset = hasCode(e, 'UNAUTHORIZED') ? unsetCredentials(ref.domain) : undefined;
        const out: ImportResult = {
          ok: false,
          reason: reasonOf(e.code),
          // Goes into the lock, commits and PR bodies: one bounded line, whatever a registry answered.
          message: sanitizeText(unset ? `${e.message}. ${unset}` : e.message, 500),
          temporary: !e.permanent,
        };
        if (hasCode(e, 'RATE_LIMITED') && e.data.skipped) out.skipped = true;
        return out;
      }
      throw e;
    }
  }

  /** Labels of an image already in the lock (`repo@digest`); undefined when it cannot be read. */
  async function metadataOf(dockerImageReference: string): Promise<ImageMetadata | undefined> {
    const parsed = tryParseReference(dockerImageReference);
    if ('error' in parsed || !parsed.ref.digest || !registryAllowed(o.config, parsed.ref.domain))
      return undefined;
    if (deadline?.signal.aborted) return undefined;
    try {
      const { labels: _l, ...meta } = await client.fetchMetadata(parsed.ref, parsed.ref.digest);
      return meta;
    } catch {
      return undefined;
    }
  }

  return {
    importTag,
    metadataOf,
    /** Tags of a repository for tag selection policies, listed once per repository in this run. */
    listTags: createTagLister(client, o.tagLists).list,
    report: () => ({
      ...resolver.report(),
      ...(deadline && pastDeadline.size > 0
        ? { deadline: { seconds: deadline.seconds, skipped: [...pastDeadline].sort() } }
        : {}),
    }),
    stats: () => client.stats(),
    close: () => client.close(),
  };
}
