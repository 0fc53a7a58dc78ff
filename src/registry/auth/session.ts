// The auth layer: answers 401 challenges (Bearer token exchange with a cache, or Basic), once per registry learns
// which scheme it speaks, and afterwards authenticates up front so each request is one round trip.

import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { RequestContext } from '../errors.js';
import type { PolicyRequest, PolicyResponse, Requester } from '../transport/requester.js';
import { type Challenge, pickChallenge } from './challenge.js';
import { type Credential, credentialSecrets, type Keychain } from './keychain.js';
import { type AuthTarget, basicHeader, bearerToken, type TokenCache, type TokenDeps } from './token.js';

export type { AuthTarget } from './token.js';

/** What the session knows of one registry origin: whether it was asked yet, its challenge, its tokens. */
interface EndpointState extends TokenCache {
  known: boolean;
  challenge?: Challenge;
  discovering?: Promise<void>;
}

export interface AuthSessionOptions {
  requester: Requester;
  keychain: Keychain;
  clock: Clock;
  logger: Logger;
  /** Called with every secret seen (passwords, tokens) so callers can redact them. */
  onSecret: (secret: string) => void;
  /** Why a Bearer realm must not be asked (it would get credentials), or undefined; default: any realm. */
  realmRefusal?: (registry: URL, realm: URL, insecure: boolean) => string | undefined;
}

/** Authenticated requests, as the registry client sees them. */
export interface AuthSession {
  /** Send `req` authenticated for `target`; returns any status (a final 401 is the caller's to report). */
  request(target: AuthTarget, req: PolicyRequest): Promise<PolicyResponse>;
  /** True when credentials are configured for a domain (for error messages). */
  hasCredentials(domain: string): Promise<boolean>;
  tokensFetched(): number;
  /**
   * The Authorization header `request` would send to `target` (undefined before the first request to its origin
   * or when it needs none): for streamed blob transfers, which cannot be replayed after a 401.
   */
  authorizationFor(target: AuthTarget, ctx: RequestContext): Promise<string | undefined>;
}

/** Authenticated requests for the registry client. */
export function createAuthSession(opts: AuthSessionOptions): AuthSession {
  const endpoints = new Map<string, EndpointState>();
  const credentials = new Map<string, Promise<Credential | undefined>>();
  let tokensFetched = 0;

  const stateFor = (origin: string): EndpointState => {
    let s = endpoints.get(origin);
    if (!s) {
      s = { known: false, tokens: new Map(), inflight: new Map() };
      endpoints.set(origin, s);
    }
    return s;
  };

  const credentialFor = (domain: string): Promise<Credential | undefined> => {
    let c = credentials.get(domain);
    if (!c) {
      c = opts.keychain.resolve(domain).then((cred) => {
        for (const s of credentialSecrets(cred)) opts.onSecret(s);
        return cred;
      });
      credentials.set(domain, c);
    }
    return c;
  };

  const deps: TokenDeps = {
    requester: opts.requester,
    clock: opts.clock,
    credentialFor,
    onSecret: opts.onSecret,
    ...(opts.realmRefusal ? { realmRefusal: opts.realmRefusal } : {}),
    fetched: () => {
      tokensFetched++;
    },
  };

  /** The first request to an origin discovers its challenge; the others wait for it, then go authenticated. */
  function request(target: AuthTarget, req: PolicyRequest): Promise<PolicyResponse> {
    const st = stateFor(target.origin);
    return st.known ? authenticated(deps, st, target, req) : discovering(st, target, req);
  }

  async function discovering(st: EndpointState, target: AuthTarget, req: PolicyRequest) {
    let release: (() => void) | undefined;
    if (!st.known) {
      if (st.discovering) await st.discovering;
      else st.discovering = new Promise<void>((r) => (release = r));
    }
    try {
      return await authenticated(deps, st, target, req);
    } finally {
      if (release) {
        st.discovering = undefined;
        release();
      }
    }
  }

  return {
    request,
    hasCredentials: async (domain) => (await credentialFor(domain)) !== undefined,
    tokensFetched: () => tokensFetched,
    authorizationFor: (target, ctx) => authorization(deps, stateFor(target.origin), target, ctx),
  };
}

/** The Authorization header the origin's challenge asks for, or undefined before any challenge. */
async function authorization(deps: TokenDeps, st: EndpointState, target: AuthTarget, ctx: RequestContext) {
  const ch = st.challenge;
  if (!ch) return undefined;
  const cred = await deps.credentialFor(target.domain);
  if (ch.scheme === 'bearer') {
    if (cred?.kind === 'bearer') return `Bearer ${cred.token}`;
    return `Bearer ${await bearerToken(deps, st, { ch, target, ctx })}`;
  }
  return basicHeader(cred);
}

/** `req` as sent for `target`: with its Authorization header, if any (the request itself when nothing is added). */
function withAuth(req: PolicyRequest, target: AuthTarget, authz: string | undefined): PolicyRequest {
  if (!authz && (!target.insecureTls || req.insecureTls)) return req;
  return {
    ...req,
    headers: authz ? { ...req.headers, authorization: authz } : req.headers,
    ...(target.insecureTls ? { insecureTls: true } : {}),
  };
}

/** Send once with what is known; on a 401 with a challenge, learn it and send once more. */
async function authenticated(deps: TokenDeps, st: EndpointState, target: AuthTarget, req: PolicyRequest) {
  // Before any challenge there is nothing to send: no await (a no-op run of an open registry never has one).
  const sent = st.challenge ? await authorization(deps, st, target, req.ctx) : undefined;
  const res = await deps.requester.request(withAuth(req, target, sent));
  if (res.status !== 401) {
    st.known = true;
    return res;
  }
  const ch = pickChallenge(res.headers['www-authenticate']);
  if (!ch) return res;
  st.known = true;
  st.challenge = ch;
  if (ch.scheme === 'bearer') st.tokens.delete(target.scope);
  const next = await authorization(deps, st, target, req.ctx);
  if (!next || (next === sent && ch.scheme !== 'bearer')) return res;
  return deps.requester.request(withAuth(req, target, next));
}
