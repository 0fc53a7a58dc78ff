// The registry client: resolve a reference to digests (HEAD first, GET only when needed, every body verified),
// list tags, read image metadata. Built from injected transport, clock, logger and keychain.

import { STATUS_CODES } from 'node:http';
import { hasCode, ImagestreamsError } from '../model/errors.js';
import type { PlatformImage } from '../model/lock.js';
import {
  formatFamiliar,
  type ImageRef,
  isLoopbackDomain,
  isSha256Digest,
  registryHost,
  withDefaultTag,
} from '../model/reference.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { anonymousKeychain, type Keychain } from './auth/keychain.js';
import { createAuthSession } from './auth/session.js';
import { bodyErrorCode, describeBody, type RequestContext, registryError } from './errors.js';
import { type HostPolicy, openHostPolicy, realmRefusal, redirectRefusal } from './host-policy.js';
import {
  indexPlatforms,
  indexProblem,
  type ManifestDoc,
  manifestMediaType,
  parseManifest,
  sha256Digest,
} from './manifest.js';
import { bareMediaType, isIndexMediaType, isKnownManifestType, MANIFEST_ACCEPT } from './mediatypes.js';
import { choosePlatform, formatPlatform } from './platform.js';
import { redactSecrets, redactUrl } from './redact.js';
import { type Clock, systemClock } from './transport/clock.js';
import { createNodeHttpSend, type HttpSend } from './transport/http.js';
import { createRequester, type PolicyResponse } from './transport/requester.js';
import type { ImageMetadata, RawResolution, RegistryStats, ResolvedImage, ResolveOptions } from './types.js';
import { isTimestamp, sanitizeLabels, sanitizeRevision, sanitizeText, sanitizeUrl } from './validate.js';

/** Everything the client depends on, with defaults in one place. */
export interface RegistryClientOptions {
  /** The HTTP transport (default: node:http/https with kept-alive agents). */
  send?: HttpSend;
  clock?: Clock;
  logger?: Logger;
  keychain?: Keychain;
  /** Registries that may use plain HTTP or unverified TLS (beyond loopback, which may always use HTTP). */
  isInsecure?: (domain: string) => boolean;
  /**
   * Pull-through mirrors per registry domain (`docker.io` → [`mirror.local:5000`]). They serve content by digest
   * (bytes hashed), tried before the origin; what a tag points at is always asked of the origin.
   */
  mirrors?: Record<string, string[]>;
  /** Which hosts the client may reach beyond the registry asked: the allowlist, redirect and realm hosts. */
  hostPolicy?: HostPolicy;
  /**
   * The most requests in flight per registry. Within it the bound follows the registry's latency (AdaptiveLimiter:
   * from 2 up, starting at 8), unless `adaptiveConcurrency` is false: then it is this number.
   */
  concurrencyPerRegistry?: number;
  adaptiveConcurrency?: boolean;
  timeoutMs?: number;
  retries?: number;
  /** A Retry-After longer than this is not waited out: the request fails (RATE_LIMITED / unavailable). */
  maxRetryAfterMs?: number;
  backoffBaseMs?: number;
  userAgent?: string;
}

const DEFAULTS = {
  // Adaptive up to 16 took 0.91x the wall time of a fixed 8 against a loopback registry (bench/03-noop-scale).
  concurrencyPerRegistry: 16,
  adaptiveConcurrency: true,
  timeoutMs: 30_000,
  retries: 3,
  maxRetryAfterMs: 60_000,
  backoffBaseMs: 500,
  userAgent: 'imagestreams/0.1',
};

interface Endpoint {
  /** The domain credentials are looked up for (a mirror's own domain, or the registry's). */
  domain: string;
  base: URL;
  insecureTls: boolean;
}

type Scheme = { scheme: 'http' | 'https'; insecureTls: boolean };

/** Create a registry client. Call `close()` when done to drop kept-alive connections. */
export function createRegistryClient(options: RegistryClientOptions = {}) {
  const o = { ...DEFAULTS, ...options };
  const ownSend = options.send ? undefined : createNodeHttpSend({ maxSockets: o.concurrencyPerRegistry * 2 });
  const send = options.send ?? ownSend!;
  const clock = o.clock ?? systemClock;
  const secrets = new Set<string>();
  const redact = (s: string) => redactSecrets(s, secrets);
  const baseLogger = o.logger ?? silentLogger;
  // With no secret seen yet there is nothing to redact: skip the JSON round trip (it ran on every request's debug
  // line, a few per cent of a no-op run's CPU).
  const scrub = (f: Record<string, unknown> | undefined) =>
    f && secrets.size > 0 ? JSON.parse(redact(JSON.stringify(f))) : f;
  const logger: Logger = {
    debug: (m, f) => baseLogger.debug(redact(m), scrub(f)),
    info: (m, f) => baseLogger.info(redact(m), scrub(f)),
    warn: (m, f) => baseLogger.warn(redact(m), scrub(f)),
    error: (m, f) => baseLogger.error(redact(m), scrub(f)),
  };
  const isInsecure = o.isInsecure ?? (() => false);
  const hostPolicy = o.hostPolicy ?? openHostPolicy;
  const requester = createRequester({
    send,
    redirectRefusal: (from, to, method) => redirectRefusal(hostPolicy, isInsecure, from, to, method),
    clock,
    logger,
    timeoutMs: o.timeoutMs,
    retries: o.retries,
    ...(o.adaptiveConcurrency
      ? {
          concurrencyPerHost: Math.min(8, o.concurrencyPerRegistry),
          adaptiveConcurrency: { min: Math.min(2, o.concurrencyPerRegistry), max: o.concurrencyPerRegistry },
        }
      : { concurrencyPerHost: o.concurrencyPerRegistry }),
    maxRetryAfterMs: o.maxRetryAfterMs,
    backoffBaseMs: o.backoffBaseMs,
  });
  const session = createAuthSession({
    requester,
    keychain: o.keychain ?? anonymousKeychain,
    clock,
    logger,
    onSecret: (s) => secrets.add(s),
    realmRefusal: (registry, realm) => realmRefusal(hostPolicy, isInsecure, registry, realm),
  });
  const skippedMirrors = new Set<string>();
  /** A domain's mirrors that the allowlist permits (others are skipped, with one warning each). */
  const mirrorsOf = (domain: string): string[] =>
    (o.mirrors?.[domain] ?? []).filter((m) => {
      if (hostPolicy.isAllowed(m.split('/')[0]!)) return true;
      if (!skippedMirrors.has(m)) {
        skippedMirrors.add(m);
        logger.warn('mirror is not in allowedRegistries; it is never contacted', {
          mirror: m,
          registry: domain,
        });
      }
      return false;
    });
  /** Index digests whose platforms came from the lock, not from bytes hashed in this run. */
  const seededIndexes = new Set<string>();
  const chosenScheme = new Map<string, Scheme>();
  const indexCache = new Map<string, Promise<PlatformImage[]>>();

  const schemesFor = (domain: string): Scheme[] => {
    const known = chosenScheme.get(domain);
    if (known) return [known];
    if (isInsecure(domain))
      return [
        { scheme: 'https', insecureTls: true },
        { scheme: 'http', insecureTls: false },
      ];
    if (isLoopbackDomain(domain)) return [{ scheme: 'http', insecureTls: false }];
    return [{ scheme: 'https', insecureTls: false }];
  };

  /**
   * Run `op` against the registry itself, or (`byDigest`: content addressed, bytes hashed by the caller) against
   * each allowed mirror first; within each, HTTPS then HTTP when insecure. A mirror never answers what a tag is.
   */
  async function viaEndpoints<T>(
    ref: ImageRef,
    op: (ep: Endpoint) => Promise<T>,
    byDigest = false,
  ): Promise<T> {
    const domains = [...(byDigest ? mirrorsOf(ref.domain) : []), ref.domain];
    let lastError: unknown;
    for (const [i, domain] of domains.entries()) {
      const isMirror = i < domains.length - 1;
      const schemes = schemesFor(domain);
      for (const [j, s] of schemes.entries()) {
        const ep: Endpoint = {
          domain,
          base: new URL(`${s.scheme}://${registryHost(domain)}`),
          insecureTls: s.insecureTls,
        };
        try {
          const result = await op(ep);
          if (!chosenScheme.has(domain)) chosenScheme.set(domain, s);
          return result;
        } catch (e) {
          lastError = e;
          const transport = e instanceof ImagestreamsError ? e.data.transport : undefined;
          if (j < schemes.length - 1 && s.scheme === 'https' && transport !== undefined) {
            logger.debug('HTTPS failed on an insecure registry; trying plain HTTP', { registry: domain });
            continue;
          }
          if (isMirror) {
            logger.warn('mirror failed; trying the next source', {
              mirror: domain,
              registry: ref.domain,
              error: e instanceof Error ? e.message : String(e),
            });
          }
          break;
        }
      }
      if (!isMirror) break;
    }
    throw lastError;
  }

  function request(
    ep: Endpoint,
    ref: ImageRef,
    ctx: RequestContext,
    method: string,
    url: URL,
    accept: string,
  ) {
    return session.request(
      {
        domain: ep.domain,
        origin: ep.base.origin,
        scope: `repository:${ref.path}:pull`,
        insecureTls: ep.insecureTls,
      },
      {
        method,
        url,
        headers: { accept, 'user-agent': o.userAgent },
        ctx: { ...ctx, url: redactUrl(url) },
        ...(ep.insecureTls ? { insecureTls: true } : {}),
      },
    );
  }

  async function failure(res: PolicyResponse, ep: Endpoint, ctx: RequestContext, what: string) {
    const c = { ...ctx, url: redactUrl(res.url) };
    const detail = describeBody(res.body, res.headers['content-type']);
    const suffix = detail ? ` (${detail})` : '';
    const status = res.status;
    if (status === 401 || status === 403) {
      const creds = await session.hasCredentials(ep.domain);
      return registryError(
        'UNAUTHORIZED',
        c,
        status === 401
          ? creds
            ? `${what}: the registry rejected the configured credentials (HTTP 401)`
            : `${what}: authentication required (HTTP 401); configure credentials for ${ep.domain} (docker login, auth.json, or the project config)`
          : `${what}: access denied (HTTP 403)${suffix}`,
        { status },
      );
    }
    if (status === 404) {
      const code = bodyErrorCode(res.body);
      return registryError(
        'MANIFEST_UNKNOWN',
        c,
        `${what}: not found (${code ?? 'HTTP 404'}); check the repository name and tag`,
        {
          status,
          data: code ? { registryCode: code } : {},
        },
      );
    }
    if (status === 429) {
      const ra = res.headers['retry-after'];
      return registryError(
        'RATE_LIMITED',
        c,
        `${what}: rate limited (HTTP 429${ra ? `, Retry-After ${ra}` : ''})`,
        {
          status,
          data: ra ? { retryAfter: ra } : {},
        },
      );
    }
    if (status >= 500)
      return registryError(
        'REGISTRY_UNAVAILABLE',
        c,
        `${what}: HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd() + suffix,
        { status },
      );
    return registryError(
      'BAD_RESPONSE',
      c,
      `${what}: unexpected HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd() + suffix,
      { status },
    );
  }

  /** GET a manifest; the digest is the sha256 of the exact bytes, checked against header and `expect`. */
  async function getManifest(
    ep: Endpoint,
    ref: ImageRef,
    ctx: RequestContext,
    reference: string,
    expect?: string,
  ) {
    const url = new URL(`/v2/${ref.path}/manifests/${reference}`, ep.base);
    const res = await request(ep, ref, ctx, 'GET', url, MANIFEST_ACCEPT);
    if (res.status !== 200) throw await failure(res, ep, ctx, `GET manifest ${reference}`);
    const c = { ...ctx, url: redactUrl(res.url) };
    const computed = sha256Digest(res.body);
    const header = res.headers['docker-content-digest'];
    if (header && isSha256Digest(header) && header !== computed) {
      throw registryError(
        'DIGEST_MISMATCH',
        c,
        `the registry's digest header says ${header} but the manifest bytes hash to ${computed}`,
        {
          data: { header, computed },
        },
      );
    }
    if (expect && expect !== computed) {
      throw registryError(
        'DIGEST_MISMATCH',
        c,
        `asked for ${expect} but the manifest bytes hash to ${computed}`,
        {
          data: { expected: expect, computed },
        },
      );
    }
    const ct = bareMediaType(res.headers['content-type']);
    const doc = parseManifest(res.body);
    if (!doc) {
      throw registryError('BAD_RESPONSE', c, `the manifest is not JSON: ${describeBody(res.body, ct)}`);
    }
    const mediaType = manifestMediaType(ct, doc);
    if (!mediaType) {
      throw registryError(
        'BAD_RESPONSE',
        c,
        `unsupported manifest type ${sanitizeText(JSON.stringify(ct ?? doc.mediaType ?? `schemaVersion ${doc.schemaVersion}`) ?? '', 100)}; only OCI and Docker schema2 manifests and indexes are supported`,
      );
    }
    return { digest: computed, mediaType, doc };
  }

  function rememberPlatforms(ref: ImageRef, digest: string, doc: ManifestDoc, ctx: RequestContext) {
    const problem = indexProblem(doc);
    if (problem) throw registryError('BAD_RESPONSE', ctx, `the index ${digest} is refused: ${problem}`);
    const platforms = indexPlatforms(doc);
    if (platforms.length === 0)
      throw registryError('BAD_RESPONSE', ctx, `the index ${digest} lists no platforms`);
    indexCache.set(`${ref.domain}/${ref.path}@${digest}`, Promise.resolve(platforms));
    return platforms;
  }

  /** An index's platforms: from the cache, else read by digest (mirrors first, bytes hashed). */
  async function platformsOf(ref: ImageRef, ctx: RequestContext, digest: string) {
    const key = `${ref.domain}/${ref.path}@${digest}`;
    let p = indexCache.get(key);
    if (!p) {
      p = viaEndpoints(ref, (ep) => getManifest(ep, ref, ctx, digest, digest), true).then((m) =>
        rememberPlatforms(ref, digest, m.doc, ctx),
      );
      p.catch(() => indexCache.delete(key));
      indexCache.set(key, p);
    }
    return { platforms: await p, verified: !seededIndexes.has(key) };
  }

  const contextOf = (ref: ImageRef): RequestContext => ({
    registry: ref.domain,
    reference: formatFamiliar(withDefaultTag(ref)),
  });

  const sanitize = (e: unknown): unknown => {
    if (e instanceof Error && secrets.size > 0) e.message = redact(e.message);
    return e;
  };

  /**
   * HEAD (all four types) at the registry itself; trust a well-formed digest header for what the tag points at
   * (`verified: false`: nobody hashed it yet), otherwise GET and hash. Indexes are read by digest.
   */
  async function resolveRaw(input: ImageRef): Promise<RawResolution> {
    const ref = withDefaultTag(input);
    const ctx = contextOf(ref);
    const reference = ref.digest ?? ref.tag!;
    try {
      const found = await viaEndpoints(ref, async (ep): Promise<RawResolution> => {
        const url = new URL(`/v2/${ref.path}/manifests/${reference}`, ep.base);
        const head = await request(ep, ref, ctx, 'HEAD', url, MANIFEST_ACCEPT);
        if (head.status !== 200 && head.status !== 405 && head.status !== 501) {
          throw await failure(head, ep, ctx, `HEAD manifest ${reference}`);
        }
        const digest = head.headers['docker-content-digest'];
        const mediaType = bareMediaType(head.headers['content-type']);
        if (head.status === 200 && digest && isSha256Digest(digest) && isKnownManifestType(mediaType)) {
          if (ref.digest && digest !== ref.digest) {
            throw registryError(
              'DIGEST_MISMATCH',
              { ...ctx, url: redactUrl(head.url) },
              `asked for ${ref.digest} but the registry answered ${digest}`,
            );
          }
          // A digest the declaration names is not the registry's claim; a tag's digest is until hashed.
          return { digest, mediaType: mediaType!, verified: ref.digest !== undefined };
        }
        if (head.status === 200) {
          logger.debug('no usable digest header on HEAD; reading the manifest', {
            registry: ref.domain,
            reference: ctx.reference,
            header: digest ? 'malformed' : 'missing',
          });
        }
        const m = await getManifest(ep, ref, ctx, reference, ref.digest);
        if (!isIndexMediaType(m.mediaType))
          return { digest: m.digest, mediaType: m.mediaType, verified: true };
        return {
          digest: m.digest,
          mediaType: m.mediaType,
          platforms: rememberPlatforms(ref, m.digest, m.doc, ctx),
          verified: true,
        };
      });
      if (found.platforms || !isIndexMediaType(found.mediaType)) return found;
      return { ...found, ...(await platformsOf(ref, ctx, found.digest)) };
    } catch (e) {
      throw sanitize(e);
    }
  }

  /**
   * Make sure a resolution's digest is the hash of real bytes: when it came from a header alone, GET the manifest
   * by that digest (mirrors first) and hash it. Called for digests that differ from the lock, before they are
   * locked or proposed; a no-op run never pays for it.
   */
  async function confirm(input: ImageRef, raw: RawResolution): Promise<RawResolution> {
    if (raw.verified) return raw;
    const ref = withDefaultTag(input);
    const ctx = contextOf(ref);
    try {
      const m = await viaEndpoints(ref, (ep) => getManifest(ep, ref, ctx, raw.digest, raw.digest), true);
      if (!isIndexMediaType(m.mediaType)) return { digest: m.digest, mediaType: m.mediaType, verified: true };
      return {
        digest: m.digest,
        mediaType: m.mediaType,
        platforms: rememberPlatforms(ref, m.digest, m.doc, ctx),
        verified: true,
      };
    } catch (e) {
      throw sanitize(e);
    }
  }

  /** Apply the importMode to a raw resolution (pure). */
  function select(input: ImageRef, raw: RawResolution, opts: ResolveOptions = {}): ResolvedImage {
    const ref = withDefaultTag(input);
    if (!raw.platforms) return { ref, digest: raw.digest, mediaType: raw.mediaType };
    const base = { ref, index: raw.digest, indexMediaType: raw.mediaType, platforms: raw.platforms };
    if ((opts.importMode ?? 'Legacy') === 'PreserveOriginal') {
      return { ...base, digest: raw.digest, mediaType: raw.mediaType };
    }
    const chosen = choosePlatform(raw.platforms, {
      ...(opts.platform ? { platform: opts.platform } : {}),
      ...(opts.preferArch ? { preferArch: opts.preferArch } : {}),
      ...(opts.preferOs ? { preferOs: opts.preferOs } : {}),
    });
    if (!chosen) {
      throw registryError(
        'PLATFORM_NOT_FOUND',
        contextOf(ref),
        `no platform ${formatPlatform(opts.platform!)} in this image; it has ${raw.platforms.map(formatPlatform).join(', ')}`,
        { data: { platforms: raw.platforms.map(formatPlatform) } },
      );
    }
    return { ...base, digest: chosen.digest, mediaType: chosen.mediaType, chosen };
  }

  /** Creation time and OCI labels from the image config (for a platform manifest; an index uses its choice). */
  async function fetchMetadata(input: ImageRef, digest: string): Promise<ImageMetadata> {
    const ref = withDefaultTag(input);
    const ctx = contextOf(ref);
    try {
      return await viaEndpoints(
        ref,
        async (ep) => {
          let m = await getManifest(ep, ref, ctx, digest, digest);
          if (isIndexMediaType(m.mediaType)) {
            const chosen = choosePlatform(indexPlatforms(m.doc), {});
            if (!chosen) throw registryError('BAD_RESPONSE', ctx, `the index ${digest} lists no platforms`);
            m = await getManifest(ep, ref, ctx, chosen.digest, chosen.digest);
          }
          const cfg = m.doc.config?.digest;
          if (!cfg || !isSha256Digest(cfg))
            throw registryError('BAD_RESPONSE', ctx, `manifest ${m.digest} has no config digest`);
          const url = new URL(`/v2/${ref.path}/blobs/${cfg}`, ep.base);
          const res = await request(ep, ref, ctx, 'GET', url, '*/*');
          if (res.status !== 200) throw await failure(res, ep, ctx, `GET config blob ${cfg}`);
          const computed = sha256Digest(res.body);
          if (computed !== cfg) {
            throw registryError(
              'DIGEST_MISMATCH',
              { ...ctx, url: redactUrl(res.url) },
              `config blob ${cfg} hashes to ${computed}`,
            );
          }
          const doc = parseManifest(res.body) as
            | { created?: string; config?: { Labels?: Record<string, string> | null } }
            | undefined;
          if (!doc) throw registryError('BAD_RESPONSE', ctx, `config blob ${cfg} is not JSON`);
          // Registry-controlled text: bounded, control characters removed, URLs and revisions charset-checked.
          const labels = sanitizeLabels(doc.config?.Labels);
          const md: ImageMetadata = { labels };
          if (isTimestamp(doc.created)) md.created = doc.created;
          const src = sanitizeUrl(labels['org.opencontainers.image.source']);
          const rev = sanitizeRevision(labels['org.opencontainers.image.revision']);
          const ver = labels['org.opencontainers.image.version'];
          if (src) md.source = src;
          if (rev) md.revision = rev;
          if (ver) md.version = sanitizeText(ver, 100);
          return md;
        },
        true,
      );
    } catch (e) {
      throw sanitize(e);
    }
  }

  /** Resolve a reference and apply the importMode; optionally read metadata of what is locked. */
  async function resolve(ref: ImageRef, opts: ResolveOptions = {}): Promise<ResolvedImage> {
    let raw = await resolveRaw(ref);
    if (opts.known && !opts.known.includes(raw.digest)) raw = await confirm(ref, raw);
    const resolved = select(ref, raw, opts);
    if (opts.withMetadata)
      resolved.metadata = await fetchMetadata(ref, resolved.chosen?.digest ?? resolved.digest);
    return resolved;
  }

  /** Every tag of the repository, following `Link: <…>; rel="next"` pages. */
  async function listTags(
    input: ImageRef,
    opts: { pageSize?: number; maxPages?: number } = {},
  ): Promise<string[]> {
    const ref = withDefaultTag(input);
    const ctx: RequestContext = {
      registry: ref.domain,
      reference: formatFamiliar({ domain: ref.domain, path: ref.path }),
    };
    try {
      return await viaEndpoints(ref, async (ep) => {
        const tags: string[] = [];
        let url: URL | undefined = new URL(`/v2/${ref.path}/tags/list?n=${opts.pageSize ?? 1000}`, ep.base);
        for (let page = 0; url && page < (opts.maxPages ?? 10_000); page++) {
          const res = await request(ep, ref, ctx, 'GET', url, 'application/json');
          if (res.status !== 200) throw await failure(res, ep, ctx, 'list tags');
          let body: { tags?: string[] | null };
          try {
            body = JSON.parse(res.body.toString('utf8'));
          } catch {
            throw registryError(
              'BAD_RESPONSE',
              { ...ctx, url: redactUrl(res.url) },
              `tag list is not JSON: ${describeBody(res.body, res.headers['content-type'])}`,
            );
          }
          tags.push(...(body.tags ?? []));
          const next = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(res.headers.link ?? '')?.[1];
          url = next ? new URL(next, res.url) : undefined;
        }
        return tags;
      });
    } catch (e) {
      throw sanitize(e);
    }
  }

  /** Seed the index cache from a lock (an index digest's platforms never change), saving a GET per known index. */
  function rememberIndex(ref: ImageRef, digest: string, platforms: PlatformImage[]) {
    const key = `${ref.domain}/${ref.path}@${digest}`;
    if (indexCache.has(key)) return;
    seededIndexes.add(key);
    indexCache.set(key, Promise.resolve(platforms));
  }

  function stats(): RegistryStats {
    const hosts = requester.stats();
    return {
      hosts,
      requests: Object.values(hosts).reduce((n, h) => n + h.requests, 0),
      tokensFetched: session.tokensFetched(),
    };
  }

  return {
    resolve,
    resolveRaw,
    confirm,
    select,
    fetchMetadata,
    listTags,
    rememberIndex,
    stats,
    /** Redact known secrets from any text (for callers that print errors). */
    redact,
    close: () => ownSend?.close(),
  };
}

/** The client's interface, for injection. */
export type RegistryClient = ReturnType<typeof createRegistryClient>;

/** True when an error is a temporary registry failure worth retrying on a later run. */
export function isTemporary(e: unknown): boolean {
  return e instanceof ImagestreamsError && !e.permanent && !hasCode(e, 'PLATFORM_NOT_FOUND');
}
