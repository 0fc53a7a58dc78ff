// The registry client: resolve a reference to digests (HEAD first, GET only when needed, every body verified),
// list tags, read image metadata. Built from injected transport, clock, logger and keychain; the operations
// live in manifests.ts, select.ts, metadata.ts and tags.ts, routing in endpoints.ts, checking in check.ts.

import { hasCode, ImagestreamsError } from '../model/errors.js';
import { type Clock, systemClock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { redact as redactText } from '../util/redact.js';
import { anonymousKeychain, type Keychain } from './auth/keychain.js';
import { createAuthSession } from './auth/session.js';
import { createEndpoints } from './endpoints.js';
import { type ClientParts, createExchange } from './exchange.js';
import { type HostPolicy, openHostPolicy, realmRefusal, redirectRefusal } from './host-policy.js';
import { type InsecureRegistries, isInsecure } from './insecure.js';
import { confirm, IndexCache, resolveRaw } from './manifests.js';
import { fetchMetadata } from './metadata.js';
import { selectImage } from './select.js';
import { listTags } from './tags.js';
import { createNodeHttpSend, type HttpSend } from './transport/http.js';
import { createRequester } from './transport/requester.js';
import type { RegistryClient, RegistryStats } from './types.js';

export type { RegistryClient } from './types.js';

/** Everything the client depends on, with defaults in one place. */
export interface RegistryClientOptions {
  /** The HTTP transport (default: node:http/https with kept-alive agents). */
  send?: HttpSend;
  clock?: Clock;
  logger?: Logger;
  keychain?: Keychain;
  /** Registries that may use plain HTTP or unverified TLS (beyond loopback, which may always use HTTP). */
  isInsecure?: InsecureRegistries;
  /**
   * Pull-through mirrors per registry domain (`docker.io` → [`mirror.local:5000`]). They serve content by digest
   * (bytes hashed), tried before the origin; what a tag points at is always asked of the origin.
   */
  mirrors?: Record<string, string[]>;
  /** Which hosts the client may reach beyond the registry asked: the allowlist, redirect and realm hosts. */
  hostPolicy?: HostPolicy;
  concurrencyPerRegistry?: number;
  timeoutMs?: number;
  retries?: number;
  /** A Retry-After longer than this is not waited out: the request fails (RATE_LIMITED / unavailable). */
  maxRetryAfterMs?: number;
  backoffBaseMs?: number;
  userAgent?: string;
}

const DEFAULTS = {
  concurrencyPerRegistry: 8,
  timeoutMs: 30_000,
  retries: 3,
  maxRetryAfterMs: 60_000,
  backoffBaseMs: 500,
  userAgent: 'imagestreams/0.1',
};

/** A logger that redacts every secret in `secrets` from messages and fields. */
function redactingLogger(base: Logger, redact: (s: string) => string): Logger {
  const fields = (f: Record<string, unknown> | undefined) => f && JSON.parse(redact(JSON.stringify(f)));
  return {
    debug: (m, f) => base.debug(redact(m), fields(f)),
    info: (m, f) => base.info(redact(m), fields(f)),
    warn: (m, f) => base.warn(redact(m), fields(f)),
    error: (m, f) => base.error(redact(m), fields(f)),
  };
}

/** Create a registry client. Call `close()` when done to drop kept-alive connections. */
export function createRegistryClient(options: RegistryClientOptions = {}): RegistryClient {
  const o = { ...DEFAULTS, ...options };
  const ownSend = options.send ? undefined : createNodeHttpSend({ maxSockets: o.concurrencyPerRegistry * 2 });
  const clock = o.clock ?? systemClock;
  const secrets = new Set<string>();
  const redact = (s: string) => redactText(s, secrets);
  const logger = redactingLogger(o.logger ?? silentLogger, redact);
  const configured = o.isInsecure ?? (() => false);
  const hostPolicy = o.hostPolicy ?? openHostPolicy;
  const hostInsecure = (call: boolean) => (host: string) => isInsecure(configured, host, call);
  const requester = createRequester({
    send: options.send ?? ownSend!,
    redirectRefusal: (from, to, method, call) =>
      redirectRefusal(hostPolicy, hostInsecure(call), from, to, method),
    clock,
    logger,
    timeoutMs: o.timeoutMs,
    retries: o.retries,
    concurrencyPerHost: o.concurrencyPerRegistry,
    maxRetryAfterMs: o.maxRetryAfterMs,
    backoffBaseMs: o.backoffBaseMs,
  });
  const session = createAuthSession({
    requester,
    keychain: o.keychain ?? anonymousKeychain,
    clock,
    logger,
    onSecret: (s) => secrets.add(s),
    realmRefusal: (registry, realm, call) => realmRefusal(hostPolicy, hostInsecure(call), registry, realm),
  });
  const parts: ClientParts = {
    endpoints: createEndpoints({ configured, mirrors: o.mirrors ?? {}, hostPolicy, logger }),
    exchange: createExchange(session, o.userAgent),
    logger,
  };
  const indexes = new IndexCache(parts);
  /** Every error leaves the client with the secrets it has seen redacted from its message. */
  const sanitized = <T>(p: Promise<T>): Promise<T> =>
    p.catch((e: unknown) => {
      if (e instanceof Error && secrets.size > 0) e.message = redact(e.message);
      throw e;
    });

  const client: RegistryClient = {
    resolveRaw: (ref, opts = {}) => sanitized(resolveRaw(parts, indexes, ref, opts)),
    confirm: (ref, raw, opts = {}) => sanitized(confirm(parts, indexes, ref, raw, opts)),
    select: selectImage,
    fetchMetadata: (ref, digest, opts = {}) => sanitized(fetchMetadata(parts, ref, digest, opts)),
    listTags: (ref, opts = {}) => sanitized(listTags(parts, ref, opts)),
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
    close: () => ownSend?.close(),
  };
  return client;
}

/** True when an error is a temporary registry failure worth retrying on a later run. */
export function isTemporary(e: unknown): boolean {
  return e instanceof ImagestreamsError && !e.permanent && !hasCode(e, 'PLATFORM_NOT_FOUND');
}
