// The auth layer: answers 401 challenges (Bearer token exchange with a cache, or Basic), once per registry learns
// which scheme it speaks, and afterwards authenticates up front so each request is one round trip.

import type { Logger } from '../../util/logger.js';
import { describeBody, type RequestContext, registryError } from '../errors.js';
import { redactUrl } from '../redact.js';
import type { Clock } from '../transport/clock.js';
import type { PolicyRequest, PolicyResponse, Requester } from '../transport/requester.js';
import { type Challenge, pickChallenge } from './challenge.js';
import { type Credential, credentialSecrets, type Keychain } from './keychain.js';

interface CachedToken {
  value: string;
  expiresAt: number;
}

interface EndpointState {
  known: boolean;
  challenge?: Challenge;
  discovering?: Promise<void>;
  tokens: Map<string, CachedToken>;
  inflight: Map<string, Promise<string>>;
}

/** Who to authenticate as, where: credentials are looked up by `domain`; state is kept per `origin`. */
export interface AuthTarget {
  domain: string;
  origin: string;
  /** e.g. `repository:library/python:pull`; several separated by spaces. */
  scope: string;
  insecureTls?: boolean;
}

export interface AuthSessionOptions {
  requester: Requester;
  keychain: Keychain;
  clock: Clock;
  logger: Logger;
  /** Called with every secret seen (passwords, tokens) so callers can redact them. */
  onSecret: (secret: string) => void;
  /** Why a Bearer realm must not be asked (it would get credentials), or undefined; default: any realm. */
  realmRefusal?: (registry: URL, realm: URL) => string | undefined;
}

const TOKEN_MARGIN_MS = 10_000;

/** Authenticated requests for the registry client. */
export function createAuthSession(opts: AuthSessionOptions) {
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

  const basicHeader = (c: Credential | undefined) =>
    c?.kind === 'basic'
      ? `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`
      : undefined;

  async function fetchToken(st: EndpointState, target: AuthTarget, ctx: RequestContext): Promise<string> {
    const ch = st.challenge!;
    const realm = ch.params.realm;
    if (!realm) throw registryError('BAD_RESPONSE', ctx, 'Bearer challenge without realm');
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw registryError(
        'BAD_RESPONSE',
        ctx,
        `Bearer challenge with an invalid realm ${JSON.stringify(realm)}`,
      );
    }
    const refusal = opts.realmRefusal?.(new URL(target.origin), url);
    if (refusal) throw registryError('NOT_ALLOWED', ctx, refusal, { permanent: true });
    const cred = await credentialFor(target.domain);
    const headers: Record<string, string> = { accept: 'application/json' };
    let method = 'GET';
    let body: string | undefined;
    if (cred?.kind === 'identityToken') {
      method = 'POST';
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: cred.token,
        service: ch.params.service ?? '',
        scope: target.scope,
        client_id: 'imagestreams',
      });
      body = form.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else {
      if (ch.params.service) url.searchParams.set('service', ch.params.service);
      // Several space-separated scopes (a cross-repository mount: push here, pull there) go as one `scope` each.
      for (const scope of target.scope.split(' ')) url.searchParams.append('scope', scope);
      const b = basicHeader(cred);
      if (b) headers.authorization = b;
    }
    const tctx = { ...ctx, url: redactUrl(url) };
    const res = await opts.requester.request({
      method,
      url,
      headers,
      ...(body !== undefined ? { body } : {}),
      ctx: tctx,
      ...(target.insecureTls ? { insecureTls: true } : {}),
      maxBodyBytes: 1024 * 1024,
    });
    if (res.status === 401 || res.status === 403) {
      throw registryError(
        'UNAUTHORIZED',
        tctx,
        `the token server refused ${cred ? 'the configured credentials' : 'anonymous access'} (HTTP ${res.status})${cred ? '' : '; configure credentials for this registry'}`,
        { status: res.status },
      );
    }
    if (res.status === 429)
      throw registryError('RATE_LIMITED', tctx, 'the token server answered 429', { status: 429 });
    if (res.status !== 200) {
      throw registryError(
        res.status >= 500 ? 'REGISTRY_UNAVAILABLE' : 'BAD_RESPONSE',
        tctx,
        `the token server answered HTTP ${res.status} ${describeBody(res.body, res.headers['content-type'])}`.trim(),
        { status: res.status },
      );
    }
    let parsed: { token?: string; access_token?: string; expires_in?: number };
    try {
      parsed = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw registryError(
        'BAD_RESPONSE',
        tctx,
        `the token server answered with no JSON: ${describeBody(res.body, res.headers['content-type'])}`,
      );
    }
    const token = parsed.token || parsed.access_token;
    if (!token) throw registryError('BAD_RESPONSE', tctx, 'the token server answered without a token');
    opts.onSecret(token);
    tokensFetched++;
    const lifetime =
      (typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 60) * 1000;
    const margin = Math.min(TOKEN_MARGIN_MS, lifetime / 10);
    st.tokens.set(target.scope, { value: token, expiresAt: opts.clock.now() + lifetime - margin });
    return token;
  }

  async function bearerToken(st: EndpointState, target: AuthTarget, ctx: RequestContext): Promise<string> {
    const cached = st.tokens.get(target.scope);
    if (cached && cached.expiresAt > opts.clock.now()) return cached.value;
    let p = st.inflight.get(target.scope);
    if (!p) {
      p = fetchToken(st, target, ctx).finally(() => st.inflight.delete(target.scope));
      st.inflight.set(target.scope, p);
    }
    return p;
  }

  async function authorization(st: EndpointState, target: AuthTarget, ctx: RequestContext) {
    const ch = st.challenge;
    if (!ch) return undefined;
    const cred = await credentialFor(target.domain);
    if (ch.scheme === 'bearer') {
      if (cred?.kind === 'bearer') return `Bearer ${cred.token}`;
      return `Bearer ${await bearerToken(st, target, ctx)}`;
    }
    return basicHeader(cred);
  }

  /** Send `req` authenticated for `target`; returns any status (a final 401 is the caller's to report). */
  async function request(target: AuthTarget, req: PolicyRequest): Promise<PolicyResponse> {
    const st = stateFor(target.origin);
    let release: (() => void) | undefined;
    if (!st.known) {
      if (st.discovering) await st.discovering;
      else st.discovering = new Promise<void>((r) => (release = r));
    }
    try {
      const send = (authz: string | undefined) =>
        opts.requester.request({
          ...req,
          headers: authz ? { ...req.headers, authorization: authz } : req.headers,
          ...(target.insecureTls ? { insecureTls: true } : {}),
        });
      const sent = await authorization(st, target, req.ctx);
      let res = await send(sent);
      if (res.status !== 401) {
        st.known = true;
        return res;
      }
      const ch = pickChallenge(res.headers['www-authenticate']);
      if (!ch) return res;
      st.known = true;
      st.challenge = ch;
      if (ch.scheme === 'bearer') st.tokens.delete(target.scope);
      const next = await authorization(st, target, req.ctx);
      if (!next || (next === sent && ch.scheme !== 'bearer')) return res;
      res = await send(next);
      return res;
    } finally {
      if (release) {
        st.discovering = undefined;
        release();
      }
    }
  }

  return {
    request,
    /** True when credentials are configured for a domain (for error messages). */
    hasCredentials: async (domain: string) => (await credentialFor(domain)) !== undefined,
    tokensFetched: () => tokensFetched,
    /**
     * The Authorization header `request` would send to `target` (undefined before the first request to its origin
     * or when it needs none): for streamed blob transfers, which cannot be replayed after a 401.
     */
    authorizationFor: (target: AuthTarget, ctx: RequestContext) =>
      authorization(stateFor(target.origin), target, ctx),
  };
}

/** The auth layer's interface, as the client sees it. */
export type AuthSession = ReturnType<typeof createAuthSession>;
