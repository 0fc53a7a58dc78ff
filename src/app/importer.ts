// Composition: the registry client, configured from the project, as the reconciler's `importTag` dependency.

import { type Config, registryAllowed, registryMatches } from '../config/config.js';
import { hasCode, ImagestreamsError } from '../model/errors.js';
import { type ImageRef, pinned, tryParseReference } from '../model/reference.js';
import type { ImageMetadata } from '../plan/changes.js';
import type { ImportRequest } from '../plan/next-locks.js';
import type { Access } from '../registry/access.js';
import { createRegistryClient, type RegistryClientOptions } from '../registry/client.js';
import { registryOptionsFromConfig } from '../registry/from-config.js';
import { createRunResolver, type RunReport, type RunResolver } from '../registry/run-resolver.js';
import { createTagLister, type TagLister, type TagListLimits } from '../registry/tag-lister.js';
import type { RegistryClient, RegistryStats, ResolvedImage, ResolveOptions } from '../registry/types.js';
import { sanitizeText } from '../registry/validate.js';
import type { Logger } from '../util/logger.js';
import { omitUndefined } from '../util/omit-undefined.js';
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

/** What the run's deadline did to imports (set when it skipped some). */
export type ImportReport = RunReport & { deadline?: { seconds: number; skipped: string[] } };

/** The registry as one reconcile run sees it: each repo:tag asked once, a report, and close() at the end. */
export interface Importer {
  importTag(req: ImportRequest): Promise<ImportResult>;
  /** Labels of an image already in the lock (`repo@digest`); undefined when it cannot be read. */
  metadataOf(dockerImageReference: string): Promise<ImageMetadata | undefined>;
  /** Tags of a repository for tag selection policies, listed once per repository in this run. */
  listTags: TagLister['list'];
  report(): ImportReport;
  stats(): RegistryStats;
  /** The registry client's requester, auth session and pool, for the run's copier to share (mirrorOnImport). */
  access?: Access;
  close(): void;
}

/** The run's deadline as imports see it; with none, nothing is ever past it. */
interface DeadlineGate {
  passed(): boolean;
  /** The result of an import skipped for the deadline (remembered for the report). */
  skip(from: string): ImportResult;
  /** `p`, or 'deadline' if the deadline passes first. */
  race<T>(p: Promise<T>): Promise<T | 'deadline'>;
  report(): ImportReport['deadline'];
}

function deadlineGate(deadline: ImporterOptions['deadline']): DeadlineGate {
  /** References not imported because the run reached its deadline. */
  const pastDeadline = new Set<string>();
  /** Settles when the deadline passes (never, without one). */
  const expired = new Promise<'deadline'>((resolve) => {
    if (!deadline) return;
    if (deadline.signal.aborted) resolve('deadline');
    else deadline.signal.addEventListener('abort', () => resolve('deadline'), { once: true });
  });
  return {
    passed: () => Boolean(deadline?.signal.aborted),
    skip(from) {
      pastDeadline.add(from);
      return {
        ok: false,
        reason: 'DeadlineExceeded',
        message: `skipped: the run reached its ${deadline!.seconds} s deadline before ${from} was imported; the last good image is kept`,
        temporary: true,
        skipped: true,
      };
    },
    race: (p) => (deadline ? Promise.race([p, expired]) : p),
    report: () =>
      deadline && pastDeadline.size > 0
        ? { seconds: deadline.seconds, skipped: [...pastDeadline].sort() }
        : undefined,
  };
}

/** When the config names credential variables for this registry that are not set: which, and how to fix. */
function unsetCredentials(o: ImporterOptions, domain: string): string | undefined {
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

/** What importTag works with. */
interface ImportContext {
  o: ImporterOptions;
  client: RegistryClient;
  resolver: RunResolver;
  gate: DeadlineGate;
}

/** Build the importer of one run from the project's config. */
export function createImporter(o: ImporterOptions): Importer {
  const fromConfig = registryOptionsFromConfig(o.config, o.env, o.logger);
  const client = createRegistryClient({ ...fromConfig, logger: o.logger, ...o.client });
  const ctx: ImportContext = {
    o,
    client,
    resolver: createRunResolver(client),
    gate: deadlineGate(o.deadline),
  };
  return {
    importTag: (req) => importTag(ctx, req),
    metadataOf: (ref) => metadataOf(ctx, ref),
    listTags: createTagLister(client, o.tagLists).list,
    report: () => ({ ...ctx.resolver.report(), ...omitUndefined({ deadline: ctx.gate.report() }) }),
    stats: () => client.stats(),
    ...omitUndefined({ access: client.access }),
    close: () => client.close(),
  };
}

/** No digest locked yet. */
const NONE: readonly string[] = [];

/** Resolve one tag's `from`; every failure becomes a result with an OpenShift-style reason. */
async function importTag(ctx: ImportContext, req: ImportRequest): Promise<ImportResult> {
  const { o, client, gate } = ctx;
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
  if (gate.passed()) return gate.skip(req.from);
  try {
    const opts: ResolveOptions = { importMode: req.importMode, known: req.locked ?? NONE };
    if (req.current) opts.current = req.current;
    // `importPolicy.insecure` is decided per tag, as OpenShift does: other tags of the registry stay on HTTPS.
    if (req.insecure) opts.insecure = true;
    if (req.preferArch) opts.preferArch = req.preferArch;
    if (req.preferOs) opts.preferOs = req.preferOs;
    if (o.withMetadata) opts.withMetadata = true;
    const resolving = ctx.resolver.resolve(ref, opts);
    // A request in flight at the deadline is not waited for (close() ends it).
    const r = await gate.race(resolving);
    if (r === 'deadline') {
      resolving.catch(() => {});
      return gate.skip(req.from);
    }
    return imported(req, ref, r, o.logger);
  } catch (e) {
    if (e instanceof ImagestreamsError) return importFailed(o, ref.domain, e);
    throw e;
  }
}

/** The lock item of a resolved image (warning when Legacy mode silently picks one platform of many). */
function imported(req: ImportRequest, ref: ImageRef, r: ResolvedImage, logger: Logger): ImportResult {
  const item: Extract<ImportResult, { ok: true }>['item'] = {
    dockerImageReference: pinned(ref, r.digest),
    image: r.digest,
    mediaType: r.mediaType,
  };
  if (r.index && r.index !== r.digest) item.index = r.index;
  if (r.platforms?.length) item.platforms = r.platforms;
  if (req.importModeDefaulted && req.importMode === 'Legacy' && r.index && (r.platforms?.length ?? 0) > 1) {
    logger.warn(legacyMultiArchWarning(req, r.platforms!, r.chosen));
  }
  const result: ImportResult = { ok: true, item };
  if (r.metadata) {
    const { labels: _l, ...meta } = r.metadata;
    result.metadata = meta;
  }
  return result;
}

/** A registry error as an import result: one bounded line, with the credential hint when variables are unset. */
function importFailed(o: ImporterOptions, domain: string, e: ImagestreamsError): ImportResult {
  const unset = hasCode(e, 'UNAUTHORIZED') ? unsetCredentials(o, domain) : undefined;
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

/** Labels of an image already in the lock; undefined when it cannot be read (or the deadline passed). */
async function metadataOf(
  ctx: ImportContext,
  dockerImageReference: string,
): Promise<ImageMetadata | undefined> {
  const parsed = tryParseReference(dockerImageReference);
  if ('error' in parsed || !parsed.ref.digest || !registryAllowed(ctx.o.config, parsed.ref.domain))
    return undefined;
  if (ctx.gate.passed()) return undefined;
  try {
    const { labels: _l, ...meta } = await ctx.client.fetchMetadata(parsed.ref, parsed.ref.digest);
    return meta;
  } catch {
    return undefined;
  }
}
