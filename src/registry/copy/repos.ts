// The copier's plumbing, on the client's parts: one requester and auth session for both sides of a copy
// (access.ts; credentials looked up per registry, so neither side's reach the other) — the run's registry client's
// when given (`access`: one pool and one token cache for imports and copies), else its own — the scheme each registry
// answers on (endpoints.ts, never a mirror), and calls sent through the client's exchange and checked by check.ts.

import { formatFamiliar, type ImageRef } from '../../model/reference.js';
import { type Access, type AccessSettings, createAccess } from '../access.js';
import { type Answer, responseError } from '../check.js';
import { createEndpoints, type Endpoint } from '../endpoints.js';
import type { RequestContext } from '../errors.js';
import { authTarget, createExchange } from '../exchange.js';
import { MANIFEST_ACCEPT } from '../mediatypes.js';

/** What the plumbing needs (the copier's options, defaults applied). */
export type RepoOptions = AccessSettings & {
  userAgent: string;
  /** An existing access to use (the run's registry client's); it stays open on `close()`, its owner closes it. */
  access?: Access;
};

/** A repository as the copier speaks to it: where, and authenticated for which scope. */
export interface Repo {
  ref: ImageRef;
  ep: Endpoint;
  scope: string;
}

/** Registries must accept manifests up to 4 MiB (OCI distribution spec); larger answers are refused. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/**
 * The calls the copier makes, over one requester and auth session.
 * Long: a table of small request functions over one shared access (requester, session, endpoints).
 */
export function createRepos(o: RepoOptions) {
  const access = o.access ?? createAccess(o);
  const { session, configured, hostPolicy, logger } = access;
  const exchange = createExchange(session, o.userAgent);
  // No mirrors: a mirror serves pulls of content by digest, and the copier also pushes.
  const endpoints = createEndpoints({ configured, mirrors: {}, hostPolicy, logger });
  const probes = new Map<string, Promise<Endpoint>>();

  const ctxOf = (ref: ImageRef, reference: string): RequestContext => ({
    registry: ref.domain,
    reference: formatFamiliar({
      domain: ref.domain,
      path: ref.path,
      ...(reference.includes(':') ? { digest: reference } : { tag: reference }),
    }),
  });

  function call(
    repo: Repo,
    method: string,
    path: string,
    ctx: RequestContext,
    extra: { headers?: Record<string, string>; body?: Buffer } = {},
  ) {
    return exchange.send({
      ep: repo.ep,
      ref: repo.ref,
      ctx,
      method,
      url: new URL(path, repo.ep.base),
      accept: MANIFEST_ACCEPT,
      what: `${method} ${path}`,
      scope: repo.scope,
      maxBodyBytes: MAX_ANSWER_BYTES,
      ...extra,
    });
  }

  /** The typed error for an unexpected answer to `what` (e.g. "target: PUT manifest sha256:…"). */
  const fail = (a: Answer, repo: Repo, ctx: RequestContext, what: string) =>
    responseError(a, {
      ctx,
      what,
      unauthorized: async (status, detail) => {
        const how = (await session.hasCredentials(repo.ref.domain))
          ? 'the configured credentials lack this access (pushing needs pull and push on the target repository)'
          : `configure credentials for ${ctx.registry} (docker login, auth.json, or registries.<host>.credentials)`;
        return `${what}: HTTP ${status}${detail}; ${how}`;
      },
    });

  /** The scheme a registry answers on (`GET /v2/`, which also learns its auth challenge), once per domain. */
  function probe(ref: ImageRef, scope: string): Promise<Endpoint> {
    let p = probes.get(ref.domain);
    if (!p) {
      p = endpoints.via(ref, async (ep) => {
        const repo = { ref, ep, scope };
        const res = await call(repo, 'GET', '/v2/', ctxOf(ref, 'latest'));
        if (res.status === 200) return ep;
        throw await fail(res, repo, { registry: ref.domain, reference: ref.domain }, 'GET /v2/');
      });
      p.catch(() => probes.delete(ref.domain));
      probes.set(ref.domain, p);
    }
    return p;
  }

  return {
    ctxOf,
    call,
    fail,
    /** `ref`'s repository over the scheme its registry answers on, authenticated for `scope`. */
    open: async (ref: ImageRef, scope: string): Promise<Repo> => ({
      ref,
      ep: await probe(ref, scope),
      scope,
    }),
    /** The Authorization header for a streamed request to `repo` (after `open`). */
    authorizationFor: (repo: Repo, ctx: RequestContext) =>
      session.authorizationFor(authTarget(repo.ep, repo.scope), ctx),
    refusal: access.refusal,
    redact: access.redact,
    clock: access.clock,
    logger,
    stats: () => access.requester.stats(),
    /** The access's own transport, for streamed blobs on its pool (undefined when its transport was injected). */
    transport: access.transport,
    close: o.access ? () => {} : access.close,
  };
}

/** The plumbing's interface, as the copier uses it. */
export type Repos = ReturnType<typeof createRepos>;
