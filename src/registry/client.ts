// The registry client: resolve a reference to digests (HEAD first, GET only when needed, every body verified),
// list tags, read image metadata. Built on access.ts (requester, auth session, redaction); the operations
// live in manifests.ts, select.ts, metadata.ts and tags.ts, routing in endpoints.ts, checking in check.ts.

import { hasCode, ImagestreamsError } from '../model/errors.js';
import { type AccessOptions, createAccess } from './access.js';
import { createEndpoints } from './endpoints.js';
import { type ClientParts, createExchange } from './exchange.js';
import { confirm, IndexCache, manifestExists, resolveRaw } from './manifests.js';
import { fetchMetadata } from './metadata.js';
import { selectImage } from './select.js';
import { listTags } from './tags.js';
import type { RegistryClient, RegistryStats } from './types.js';

export type { RegistryClient } from './types.js';

/** Everything the client depends on, with defaults in one place. */
export interface RegistryClientOptions extends AccessOptions {
  /**
   * Pull-through mirrors per registry domain (`docker.io` → [`mirror.local:5000`]). They serve content by digest
   * (bytes hashed), tried before the origin; what a tag points at is always asked of the origin.
   */
  mirrors?: Record<string, string[]>;
  /**
   * The most requests in flight per registry. Within it the bound follows the registry's latency (AdaptiveLimiter:
   * from 2 up, starting at 8), unless `adaptiveConcurrency` is false: then it is this number.
   */
  concurrencyPerRegistry?: number;
  adaptiveConcurrency?: boolean;
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

/** Create a registry client. Call `close()` when done to drop kept-alive connections. */
export function createRegistryClient(options: RegistryClientOptions = {}): RegistryClient {
  const { adaptiveConcurrency, ...o } = { ...DEFAULTS, ...options };
  const access = createAccess({
    ...o,
    ...(adaptiveConcurrency
      ? {
          concurrencyPerHost: Math.min(8, o.concurrencyPerRegistry),
          adaptiveConcurrency: { min: Math.min(2, o.concurrencyPerRegistry), max: o.concurrencyPerRegistry },
        }
      : { concurrencyPerHost: o.concurrencyPerRegistry }),
    maxSockets: o.concurrencyPerRegistry * 2,
  });
  const { requester, session, logger, configured, hostPolicy, redact, sanitized, close } = access;
  const parts: ClientParts = {
    endpoints: createEndpoints({ configured, mirrors: o.mirrors ?? {}, hostPolicy, logger }),
    exchange: createExchange(session, o.userAgent),
    logger,
    conditions: new WeakMap(),
  };
  const indexes = new IndexCache(parts);

  const client: RegistryClient = {
    resolveRaw: (ref, opts = {}) => sanitized(resolveRaw(parts, indexes, ref, opts)),
    confirm: (ref, raw, opts = {}) => sanitized(confirm(parts, indexes, ref, raw, opts)),
    select: selectImage,
    fetchMetadata: (ref, digest, opts = {}) => sanitized(fetchMetadata(parts, ref, digest, opts)),
    listTags: (ref, opts = {}) => sanitized(listTags(parts, ref, opts)),
    hasManifest: (ref, digest, opts = {}) => sanitized(manifestExists(parts, ref, digest, opts)),
    async resolve(ref, opts = {}) {
      let raw = await client.resolveRaw(ref, opts);
      if (opts.known && !opts.known.includes(raw.digest)) raw = await client.confirm(ref, raw, opts);
      const resolved = client.select(ref, raw, opts);
      if (opts.withMetadata)
        resolved.metadata = await client.fetchMetadata(ref, resolved.chosen?.digest ?? resolved.digest, opts);
      return resolved;
    },
    rememberIndex: (ref, digest, platforms) => indexes.seed(ref, digest, platforms),
    stats(): RegistryStats {
      const hosts = requester.stats();
      return {
        hosts,
        requests: Object.values(hosts).reduce((n, h) => n + h.requests, 0),
        tokensFetched: session.tokensFetched(),
      };
    },
    redact,
    access,
    close,
  };
  return client;
}

/** True when an error is a temporary registry failure worth retrying on a later run. */
export function isTemporary(e: unknown): boolean {
  return e instanceof ImagestreamsError && !e.permanent && !hasCode(e, 'PLATFORM_NOT_FOUND');
}
