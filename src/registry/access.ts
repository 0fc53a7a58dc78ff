// What every registry user stands on: one requester (transport, redirect rules) and one auth session (keychain,
// realm rules) over the same clock and logger, and the secrets they have seen redacted from logs and errors.
// Built once here for the registry client; a copier inside a run shares the client's (one pool, one token cache),
// a standalone copier builds its own.

import { type Clock, systemClock } from '../util/clock.js';
import { type Logger, silentLogger } from '../util/logger.js';
import { redact as redactText } from '../util/redact.js';
import { anonymousKeychain, type Keychain } from './auth/keychain.js';
import { type AuthSession, createAuthSession } from './auth/session.js';
import { type HostPolicy, openHostPolicy, realmRefusal, redirectRefusal } from './host-policy.js';
import { type InsecureRegistries, isInsecure } from './insecure.js';
import type { HttpSend } from './transport/http.js';
import { createRequester, type Requester } from './transport/requester.js';
import { createWireTransport, type StreamTransport } from './transport/wire.js';

/** The dependencies and request limits the client and the copier share. */
export interface AccessOptions {
  /** The HTTP transport (default: the HTTP/1.1 client over node:net/node:tls with kept-alive connections). */
  send?: HttpSend;
  clock?: Clock;
  logger?: Logger;
  keychain?: Keychain;
  /** Registries that may use plain HTTP or unverified TLS (beyond loopback, which may always use HTTP). */
  isInsecure?: InsecureRegistries;
  /** Which hosts may be reached beyond the registry asked: the allowlist, redirect and realm hosts. */
  hostPolicy?: HostPolicy;
  timeoutMs?: number;
  /** Retries of one buffered request on temporary failures. */
  retries?: number;
  /** A Retry-After longer than this is not waited out: the request fails (RATE_LIMITED / unavailable). */
  maxRetryAfterMs?: number;
  backoffBaseMs?: number;
  userAgent?: string;
}

/** The limits `createAccess` needs settled (the caller's defaults applied). */
export type AccessSettings = AccessOptions &
  Required<Pick<AccessOptions, 'timeoutMs' | 'retries' | 'maxRetryAfterMs' | 'backoffBaseMs'>> & {
    concurrencyPerHost: number;
    /**
     * Let each host's bound follow its latency between `min` and `max`, starting at concurrencyPerHost
     * (AdaptiveLimiter); without it the bound is concurrencyPerHost.
     */
    adaptiveConcurrency?: { min: number; max: number };
    /** Kept-alive sockets per host of the default transport. */
    maxSockets: number;
  };

/** The shared parts, built. */
export interface Access {
  requester: Requester;
  session: AuthSession;
  clock: Clock;
  /** The caller's logger, with every secret seen redacted. */
  logger: Logger;
  configured: InsecureRegistries;
  hostPolicy: HostPolicy;
  /** `text` with every secret seen (passwords, tokens) masked. */
  redact(text: string): string;
  /** `p`, whose error leaves with the secrets seen redacted from its message. */
  sanitized<T>(p: Promise<T>): Promise<T>;
  /** Why a request may not go from `from` to `to` (allowlist, scheme rules), or undefined. */
  refusal(from: URL, to: URL, method: string, call?: boolean): string | undefined;
  /** The default transport (undefined when `send` was injected): streamed transfers use its pool. */
  transport: StreamTransport | undefined;
  /** Drop the default transport's kept-alive connections. */
  close(): void;
}

/** A logger that redacts every secret from messages and fields. */
function redactingLogger(base: Logger, redact: (s: string) => string, secrets: ReadonlySet<string>): Logger {
  // With no secret seen yet there is nothing to redact in fields: skip the JSON round trip (it ran on every
  // request's debug line, a few per cent of a no-op run's CPU).
  const fields = (f: Record<string, unknown> | undefined) =>
    f && secrets.size > 0 ? JSON.parse(redact(JSON.stringify(f))) : f;
  return {
    debug: (m, f) => base.debug(redact(m), fields(f)),
    info: (m, f) => base.info(redact(m), fields(f)),
    warn: (m, f) => base.warn(redact(m), fields(f)),
    error: (m, f) => base.error(redact(m), fields(f)),
    // Passed through, so the requester builds no per-request debug fields when debug lines are not written.
    enabled: (level) => base.enabled?.(level) ?? true,
  };
}

/** Build the requester and auth session for `o`. */
export function createAccess(o: AccessSettings): Access {
  const ownSend = o.send ? undefined : createWireTransport({ maxSockets: o.maxSockets });
  const clock = o.clock ?? systemClock;
  const secrets = new Set<string>();
  const redact = (s: string) => redactText(s, secrets);
  const logger = redactingLogger(o.logger ?? silentLogger, redact, secrets);
  const configured = o.isInsecure ?? (() => false);
  const hostPolicy = o.hostPolicy ?? openHostPolicy;
  const hostInsecure = (call: boolean) => (host: string) => isInsecure(configured, host, call);
  const refusal = (from: URL, to: URL, method: string, call = false) =>
    redirectRefusal(hostPolicy, hostInsecure(call), from, to, method);
  const requester = createRequester({
    send: o.send ?? ownSend!,
    redirectRefusal: refusal,
    clock,
    logger,
    timeoutMs: o.timeoutMs,
    retries: o.retries,
    concurrencyPerHost: o.concurrencyPerHost,
    ...(o.adaptiveConcurrency ? { adaptiveConcurrency: o.adaptiveConcurrency } : {}),
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
  return {
    requester,
    session,
    clock,
    logger,
    configured,
    hostPolicy,
    redact,
    sanitized: (p) =>
      p.catch((e: unknown) => {
        if (e instanceof Error && secrets.size > 0) e.message = redact(e.message);
        throw e;
      }),
    refusal,
    transport: ownSend,
    close: () => ownSend?.close(),
  };
}
