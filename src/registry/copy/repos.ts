// The copier's plumbing: one requester and auth session for both sides of a copy (credentials looked up per
// registry, so neither side's reach the other), the scheme each registry answers on, and buffered calls.

import { ImagestreamsError } from '../../model/errors.js';
import { formatFamiliar, type ImageRef, isLoopbackDomain, registryHost } from '../../model/reference.js';
import { type Clock, systemClock } from '../../util/clock.js';
import { type Logger, silentLogger } from '../../util/logger.js';
import { redact, redactUrl } from '../../util/redact.js';
import { anonymousKeychain, type Keychain } from '../auth/keychain.js';
import { type AuthTarget, createAuthSession } from '../auth/session.js';
import type { RequestContext } from '../errors.js';
import { type HostPolicy, openHostPolicy, realmRefusal, redirectRefusal } from '../host-policy.js';
import { MANIFEST_ACCEPT } from '../mediatypes.js';
import { createNodeHttpSend, type HttpSend } from '../transport/http.js';
import { createRequester } from '../transport/requester.js';
import { type Answer, answerError } from './answers.js';

/** What the plumbing needs (a subset of the copier's options). */
export interface RepoOptions {
  send?: HttpSend;
  clock?: Clock;
  logger?: Logger;
  keychain?: Keychain;
  isInsecure?: (domain: string) => boolean;
  hostPolicy?: HostPolicy;
  connections: number;
  timeoutMs: number;
  retries: number;
  backoffBaseMs: number;
  userAgent: string;
}

/** A repository as the copier speaks to it: where, and authenticated for which scope. */
export interface Repo {
  ref: ImageRef;
  target: AuthTarget;
  base: URL;
  insecureTls: boolean;
}

/** Registries must accept manifests up to 4 MiB (OCI distribution spec); larger answers are refused. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** The calls the copier makes, over one requester and auth session. */
export function createRepos(o: RepoOptions) {
  const ownSend = o.send ? undefined : createNodeHttpSend({ maxSockets: o.connections });
  const clock = o.clock ?? systemClock;
  const logger = o.logger ?? silentLogger;
  const isInsecure = o.isInsecure ?? (() => false);
  const hostPolicy = o.hostPolicy ?? openHostPolicy;
  const secrets = new Set<string>();
  const requester = createRequester({
    send: o.send ?? ownSend!,
    redirectRefusal: (from, to, method) => redirectRefusal(hostPolicy, isInsecure, from, to, method),
    clock,
    logger,
    timeoutMs: o.timeoutMs,
    retries: o.retries,
    concurrencyPerHost: o.connections,
    maxRetryAfterMs: 60_000,
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
  const schemes = new Map<string, Promise<{ base: URL; insecureTls: boolean }>>();

  const ctxOf = (ref: ImageRef, reference: string): RequestContext => ({
    registry: ref.domain,
    reference: formatFamiliar({
      domain: ref.domain,
      path: ref.path,
      ...(reference.includes(':') ? { digest: reference } : { tag: reference }),
    }),
  });

  async function call(
    repo: Repo,
    method: string,
    path: string,
    ctx: RequestContext,
    extra: { headers?: Record<string, string>; body?: Buffer } = {},
  ) {
    const url = new URL(path, repo.base);
    return session.request(repo.target, {
      method,
      url,
      headers: { accept: MANIFEST_ACCEPT, 'user-agent': o.userAgent, ...extra.headers },
      ...(extra.body ? { body: extra.body } : {}),
      ctx: { ...ctx, url: redactUrl(url) },
      maxBodyBytes: MAX_ANSWER_BYTES,
      ...(repo.insecureTls ? { insecureTls: true } : {}),
    });
  }

  const fail = async (a: Answer, repo: Repo, ctx: RequestContext, what: string) =>
    answerError(a, ctx, what, await session.hasCredentials(repo.ref.domain));

  /** The scheme a registry answers on (`GET /v2/`, which also learns its auth challenge), once per domain. */
  async function open(ref: ImageRef, scope: string): Promise<Repo> {
    let p = schemes.get(ref.domain);
    if (!p) {
      const host = registryHost(ref.domain);
      const candidates = isLoopbackDomain(ref.domain)
        ? [{ base: new URL(`http://${host}`), insecureTls: false }]
        : isInsecure(ref.domain)
          ? [
              { base: new URL(`https://${host}`), insecureTls: true },
              { base: new URL(`http://${host}`), insecureTls: false },
            ]
          : [{ base: new URL(`https://${host}`), insecureTls: false }];
      p = (async () => {
        let last: unknown;
        for (const c of candidates) {
          const repo: Repo = {
            ref,
            base: c.base,
            insecureTls: c.insecureTls,
            target: {
              domain: ref.domain,
              origin: c.base.origin,
              scope,
              ...(c.insecureTls ? { insecureTls: true } : {}),
            },
          };
          try {
            const res = await call(repo, 'GET', '/v2/', ctxOf(ref, 'latest'));
            if (res.status === 200) return c;
            throw await fail(res, repo, { registry: ref.domain, reference: ref.domain }, 'GET /v2/');
          } catch (e) {
            last = e;
            if (!(e instanceof ImagestreamsError && e.data.transport !== undefined)) break;
          }
        }
        throw last;
      })();
      p.catch(() => schemes.delete(ref.domain));
      schemes.set(ref.domain, p);
    }
    const c = await p;
    return {
      ref,
      base: c.base,
      insecureTls: c.insecureTls,
      target: {
        domain: ref.domain,
        origin: c.base.origin,
        scope,
        ...(c.insecureTls ? { insecureTls: true } : {}),
      },
    };
  }

  return {
    ctxOf,
    call,
    fail,
    open,
    /** The Authorization header for a streamed request to `repo` (after `open`). */
    authorizationFor: (repo: Repo, ctx: RequestContext) => session.authorizationFor(repo.target, ctx),
    /** Why a request may not go from `from` to `to` (allowlist, scheme rules), or undefined. */
    refusal: (from: URL, to: URL, method: string) =>
      redirectRefusal(hostPolicy, isInsecure, from, to, method),
    redact: (text: string) => redact(text, secrets),
    clock,
    logger,
    stats: () => requester.stats(),
    close: () => ownSend?.close(),
  };
}

/** The plumbing's interface, as the copier uses it. */
export type Repos = ReturnType<typeof createRepos>;
