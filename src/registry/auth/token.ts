// The Bearer token exchange: ask the challenge's realm for a token for one scope (refresh token by POST, else GET
// with Basic credentials), cache it until expiry minus a margin, one fetch in flight per scope.

import type { Clock } from '../../util/clock.js';
import { redactUrl } from '../../util/redact.js';
import { checkResponse } from '../check.js';
import { describeBody, type RequestContext, registryError } from '../errors.js';
import type { PolicyRequest, PolicyResponse, Requester } from '../transport/requester.js';
import type { Challenge } from './challenge.js';
import type { Credential } from './keychain.js';

/** Who to authenticate as, where: credentials are looked up by `domain`; state is kept per `origin`. */
export interface AuthTarget {
  domain: string;
  origin: string;
  /** e.g. `repository:library/python:pull`. */
  scope: string;
  insecureTls?: boolean;
  /** The call may use plain HTTP on any host (`CallOptions.insecure`): realms are judged accordingly. */
  insecure?: boolean;
}

/** Tokens of one registry origin, per scope, and the fetches under way. */
export interface TokenCache {
  tokens: Map<string, { value: string; expiresAt: number }>;
  inflight: Map<string, Promise<string>>;
}

/** What the exchange needs from the session. */
export interface TokenDeps {
  requester: Requester;
  clock: Clock;
  credentialFor(domain: string): Promise<Credential | undefined>;
  onSecret(secret: string): void;
  realmRefusal?: (registry: URL, realm: URL, insecure: boolean) => string | undefined;
  /** Counts tokens fetched (for stats). */
  fetched(): void;
}

/** One token wanted: the challenge answered, for whom, and the request it is for (errors name it). */
export interface TokenAsk {
  ch: Challenge;
  target: AuthTarget;
  ctx: RequestContext;
}

const TOKEN_MARGIN_MS = 10_000;

/** `Basic …` for a username/password credential, else undefined. */
export function basicHeader(c: Credential | undefined): string | undefined {
  return c?.kind === 'basic'
    ? `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`
    : undefined;
}

/** A cached token for the scope, or one fetched (shared with any fetch for that scope already under way). */
export function bearerToken(deps: TokenDeps, cache: TokenCache, ask: TokenAsk): Promise<string> {
  const { target } = ask;
  const cached = cache.tokens.get(target.scope);
  if (cached && cached.expiresAt > deps.clock.now()) return Promise.resolve(cached.value);
  let p = cache.inflight.get(target.scope);
  if (!p) {
    p = fetchToken(deps, cache, ask).finally(() => cache.inflight.delete(target.scope));
    cache.inflight.set(target.scope, p);
  }
  return p;
}

/** The realm as a URL the policy lets us send credentials to. */
function realmUrl(deps: TokenDeps, { ch, target, ctx }: TokenAsk): URL {
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
  const refusal = deps.realmRefusal?.(new URL(target.origin), url, target.insecure ?? false);
  if (refusal) throw registryError('NOT_ALLOWED', ctx, refusal, { permanent: true });
  return url;
}

/** The token request: a refresh-token POST for an identity token, else a GET with Basic credentials if any. */
function tokenRequest(
  ch: Challenge,
  target: AuthTarget,
  url: URL,
  cred: Credential | undefined,
): Pick<PolicyRequest, 'method' | 'url' | 'headers' | 'body'> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (cred?.kind === 'identityToken') {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: cred.token,
      service: ch.params.service ?? '',
      scope: target.scope,
      client_id: 'imagestreams',
    });
    headers['content-type'] = 'application/x-www-form-urlencoded';
    return { method: 'POST', url, headers, body: form.toString() };
  }
  if (ch.params.service) url.searchParams.set('service', ch.params.service);
  // Several space-separated scopes (a cross-repository mount: push here, pull there) go as one `scope` each.
  for (const scope of target.scope.split(' ')) url.searchParams.append('scope', scope);
  const b = basicHeader(cred);
  if (b) headers.authorization = b;
  return { method: 'GET', url, headers };
}

async function fetchToken(deps: TokenDeps, cache: TokenCache, ask: TokenAsk): Promise<string> {
  const { ch, target, ctx } = ask;
  const url = realmUrl(deps, ask);
  const cred = await deps.credentialFor(target.domain);
  const req = tokenRequest(ch, target, url, cred);
  const tctx = { ...ctx, url: redactUrl(url) };
  const res = await deps.requester.request({
    ...req,
    ctx: tctx,
    ...(target.insecureTls ? { insecureTls: true } : {}),
    ...(target.insecure ? { insecure: true } : {}),
    maxBodyBytes: 1024 * 1024,
  });
  await checkResponse(res, {
    ctx: tctx,
    what: 'the token server',
    notFoundIsUnknown: false,
    unauthorized: (status) =>
      `the token server refused ${cred ? 'the configured credentials' : 'anonymous access'} (HTTP ${status})${cred ? '' : '; configure credentials for this registry'}`,
  });
  const { token, lifetime } = parseTokenAnswer(res, tctx);
  deps.onSecret(token);
  deps.fetched();
  const margin = Math.min(TOKEN_MARGIN_MS, lifetime / 10);
  cache.tokens.set(target.scope, { value: token, expiresAt: deps.clock.now() + lifetime - margin });
  return token;
}

/** The token and its lifetime in ms (`expires_in`, 60 s when absent) from the token server's JSON. */
function parseTokenAnswer(res: PolicyResponse, tctx: RequestContext): { token: string; lifetime: number } {
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
  const seconds = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 60;
  return { token, lifetime: seconds * 1000 };
}
