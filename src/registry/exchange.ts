// One authenticated request to an endpoint for a repository, and the same with its answer checked: what every
// operation of the client (manifests, blobs, tag lists) is built from.

import type { ImageRef } from '../model/reference.js';
import type { Logger } from '../util/logger.js';
import { redactUrl } from '../util/redact.js';
import type { AuthSession, AuthTarget } from './auth/session.js';
import { accessDenied, checkResponse } from './check.js';
import type { Endpoint, Endpoints } from './endpoints.js';
import type { RequestContext } from './errors.js';
import type { PolicyResponse } from './transport/requester.js';

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
  return { ...at, method, url: new URL(`/v2/${at.ref.path}/${path}`, at.ep.base), accept, what };
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
}

/** The exchange of one client. */
export function createExchange(session: AuthSession, userAgent: string): Exchange {
  function send(a: Ask): Promise<PolicyResponse> {
    return session.request(authTarget(a.ep, a.scope ?? `repository:${a.ref.path}:pull`), {
      method: a.method,
      url: a.url,
      headers: { accept: a.accept, 'user-agent': userAgent, ...a.headers },
      ctx: { ...a.ctx, url: redactUrl(a.url) },
      ...(a.body ? { body: a.body } : {}),
      ...(a.maxBodyBytes !== undefined ? { maxBodyBytes: a.maxBodyBytes } : {}),
      ...(a.ep.insecureTls ? { insecureTls: true } : {}),
      ...(a.ep.insecure ? { insecure: true } : {}),
    });
  }

  async function fetch(a: Ask, ok: readonly number[] = [200]): Promise<PolicyResponse> {
    const res = await send(a);
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
