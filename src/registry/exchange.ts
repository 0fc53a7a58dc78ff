// One authenticated request to an endpoint for a repository, and the same with its answer checked: what every
// operation of the client (manifests, blobs, tag lists) is built from.

import type { ImageRef } from '../model/reference.js';
import type { Logger } from '../util/logger.js';
import { redactUrl } from '../util/redact.js';
import type { AuthSession, AuthTarget } from './auth/session.js';
import { accessDenied, checkResponse } from './check.js';
import type { ConditionState } from './conditional.js';
import type { Endpoint, Endpoints } from './endpoints.js';
import type { RequestContext } from './errors.js';
import type { PolicyRequest, PolicyResponse } from './transport/requester.js';

/** One request of an operation: where, about what, and what it is called in an error. */
export interface Ask {
  ep: Endpoint;
  ref: ImageRef;
  ctx: RequestContext;
  method: string;
  url: URL;
  accept: string;
  /** e.g. `HEAD manifest 1.0` (used in error messages). */
  what: string;
  /** The token scope (default: pull on `ref`'s repository; a push names its own). */
  scope?: string;
  /** Sent besides Accept and User-Agent. */
  headers?: Record<string, string>;
  body?: Buffer;
  maxBodyBytes?: number;
}

/** Who a request authenticates as: the endpoint's domain and origin, for a token scope. */
export function authTarget(ep: Endpoint, scope: string): AuthTarget {
  return {
    domain: ep.domain,
    origin: ep.base.origin,
    scope,
    ...(ep.insecureTls ? { insecureTls: true } : {}),
    ...(ep.insecure ? { insecure: true } : {}),
  };
}

/** The ask for `method` on `path` below the repository of `at.ref` (`manifests/1.0`, `blobs/sha256:…`). */
export function repoAsk(
  at: Pick<Ask, 'ep' | 'ref' | 'ctx'>,
  method: string,
  path: string,
  accept: string,
  what: string,
): Ask {
  // One absolute string parsed once: resolving against the base URL object would serialise and parse it too.
  const url = new URL(`${at.ep.api}${at.ref.path}/${path}`);
  return { ep: at.ep, ref: at.ref, ctx: at.ctx, method, url, accept, what };
}

/** Requests with authentication, and with their answers checked. */
export interface Exchange {
  /** Send, returning any status. */
  send(ask: Ask): Promise<PolicyResponse>;
  /** Send and throw the typed registry error unless the status is in `ok` (default 200). */
  fetch(ask: Ask, ok?: readonly number[]): Promise<PolicyResponse>;
}

/** What the operations of a client share. */
export interface ClientParts {
  endpoints: Endpoints;
  exchange: Exchange;
  logger: Logger;
  /** What each endpoint has shown of its conditions (conditional.ts): HEADs at trusted ones may be conditional. */
  conditions: WeakMap<Endpoint, ConditionState>;
}

/** The statuses `fetch` accepts unless told otherwise. */
const OK_200: readonly number[] = [200];

/** The exchange of one client. */
export function createExchange(session: AuthSession, userAgent: string): Exchange {
  // Per request these were rebuilt each time; they depend only on the endpoint, the scope and the Accept value.
  const targets = new WeakMap<Endpoint, Map<string, AuthTarget>>();
  const targetOf = (a: Ask): AuthTarget => {
    let byScope = targets.get(a.ep);
    if (!byScope) {
      byScope = new Map();
      targets.set(a.ep, byScope);
    }
    // A pull scope is keyed by the repository path alone (no string built per request); a given scope by itself.
    const key = a.scope === undefined ? a.ref.path : ` ${a.scope}`;
    let t = byScope.get(key);
    if (!t) {
      t = authTarget(a.ep, a.scope ?? `repository:${a.ref.path}:pull`);
      byScope.set(key, t);
    }
    return t;
  };
  const plainHeaders = new Map<string, Readonly<Record<string, string>>>();
  const headersOf = (a: Ask): Record<string, string> => {
    if (a.headers) return { accept: a.accept, 'user-agent': userAgent, ...a.headers };
    let h = plainHeaders.get(a.accept);
    if (!h) {
      h = Object.freeze({ accept: a.accept, 'user-agent': userAgent });
      plainHeaders.set(a.accept, h);
    }
    return h as Record<string, string>;
  };

  function send(a: Ask): Promise<PolicyResponse> {
    const req: PolicyRequest = {
      method: a.method,
      url: a.url,
      headers: headersOf(a),
      ctx: { ...a.ctx, url: redactUrl(a.url) },
    };
    if (a.body) req.body = a.body;
    if (a.maxBodyBytes !== undefined) req.maxBodyBytes = a.maxBodyBytes;
    if (a.ep.insecureTls) req.insecureTls = true;
    if (a.ep.insecure) req.insecure = true;
    return session.request(targetOf(a), req);
  }

  async function fetch(a: Ask, ok: readonly number[] = OK_200): Promise<PolicyResponse> {
    const res = await send(a);
    if (ok.includes(res.status)) return res;
    await checkResponse(
      res,
      {
        ctx: a.ctx,
        what: a.what,
        unauthorized: async (status) => {
          if (status === 403) return accessDenied(a.what, res);
          return (await session.hasCredentials(a.ep.domain))
            ? `${a.what}: the registry rejected the configured credentials (HTTP 401)`
            : `${a.what}: authentication required (HTTP 401); configure credentials for ${a.ep.domain} (docker login, auth.json, or the project config)`;
        },
      },
      ok,
    );
    return res;
  }

  return { send, fetch };
}
