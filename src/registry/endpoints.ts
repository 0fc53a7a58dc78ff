// Where a request goes: the registry itself or (content by digest) its allowed mirrors first, each over the schemes
// the insecure decision allows (HTTPS without verification, then HTTP), remembering the scheme that worked.

import { ImagestreamsError } from '../model/errors.js';
import type { ImageRef } from '../model/reference.js';
import type { Logger } from '../util/logger.js';
import type { HostPolicy } from './host-policy.js';
import { baseUrl, type InsecureRegistries, isInsecure, type Scheme, schemesFor } from './insecure.js';

/** One place to send a request: the domain credentials are looked up for, its base URL, how TLS is checked. */
export interface Endpoint {
  /** The domain credentials are looked up for (a mirror's own domain, or the registry's). */
  domain: string;
  base: URL;
  /** `<origin>/v2/`: what the API paths of a request follow (built with the endpoint, not per request). */
  api: string;
  insecureTls: boolean;
  /** The call may use plain HTTP on any host (`CallOptions.insecure`). */
  insecure: boolean;
}

/** How an operation is routed. */
export interface Route {
  /** Content addressed (the caller hashes the bytes): allowed mirrors are tried first. */
  byDigest?: boolean;
  /** `CallOptions.insecure` of the call. */
  insecure?: boolean;
}

/** The router of one client. */
export interface Endpoints {
  /** Run `op` against each source in turn (mirrors, then the registry) until one answers; else the last error. */
  via<T>(ref: ImageRef, op: (ep: Endpoint) => Promise<T>, route?: Route): Promise<T>;
}

export interface EndpointsOptions {
  configured: InsecureRegistries;
  mirrors: Record<string, string[]>;
  hostPolicy: HostPolicy;
  logger: Logger;
}

/** Endpoints built once per domain, scheme and call flag: each holds its base URL, parsed once. */
function endpointCache(): (domain: string, s: Scheme, call: boolean) => Endpoint {
  const built = new Map<string, Endpoint[]>();
  return (domain, s, call) => {
    let list = built.get(domain);
    if (!list) {
      list = [];
      built.set(domain, list);
    }
    const i = (call ? 4 : 0) + (s.scheme === 'https' ? 2 : 0) + (s.insecureTls ? 1 : 0);
    let ep = list[i];
    if (!ep) {
      const base = baseUrl(domain, s);
      ep = { domain, base, api: `${base.origin}/v2/`, insecureTls: s.insecureTls, insecure: call };
      list[i] = ep;
    }
    return ep;
  };
}

/** A router with its own memory of schemes that worked and of mirrors already warned about. */
export function createEndpoints(o: EndpointsOptions): Endpoints {
  const skippedMirrors = new Set<string>();
  /** Per insecure decision, by domain: an insecure call's HTTP never serves a secure call. */
  const chosenScheme = { secure: new Map<string, Scheme>(), insecure: new Map<string, Scheme>() };

  /** A domain's mirrors that the allowlist permits (others are skipped, with one warning each). */
  const mirrorsOf = (domain: string): string[] =>
    (o.mirrors[domain] ?? []).filter((m) => {
      if (o.hostPolicy.isAllowed(m.split('/')[0]!)) return true;
      if (!skippedMirrors.has(m)) {
        skippedMirrors.add(m);
        o.logger.warn('mirror is not in allowedRegistries; it is never contacted', {
          mirror: m,
          registry: domain,
        });
      }
      return false;
    });

  const endpointOf = endpointCache();

  /** The first source that answers, for one domain: the scheme that worked before, else each in turn. */
  function viaDomain<T>(domain: string, call: boolean, op: (ep: Endpoint) => Promise<T>): Promise<T> {
    const insecure = isInsecure(o.configured, domain, call);
    const chosen = insecure ? chosenScheme.insecure : chosenScheme.secure;
    const known = chosen.get(domain);
    return known ? op(endpointOf(domain, known, call)) : firstScheme(domain, call, insecure, chosen, op);
  }

  /** Each scheme in turn while HTTPS fails below HTTP; the one that answered is remembered. */
  async function firstScheme<T>(
    domain: string,
    call: boolean,
    insecure: boolean,
    chosen: Map<string, Scheme>,
    op: (ep: Endpoint) => Promise<T>,
  ): Promise<T> {
    const schemes = schemesFor(domain, insecure);
    for (let j = 0; j < schemes.length; j++) {
      const s = schemes[j]!;
      try {
        const result = await op(endpointOf(domain, s, call));
        if (!chosen.has(domain)) chosen.set(domain, s);
        return result;
      } catch (e) {
        const transport = e instanceof ImagestreamsError ? e.data.transport : undefined;
        if (j < schemes.length - 1 && s.scheme === 'https' && transport !== undefined) {
          o.logger.debug('HTTPS failed on an insecure registry; trying plain HTTP', { registry: domain });
          continue;
        }
        throw e;
      }
    }
    throw new Error(`no scheme to reach ${domain}`);
  }

  function via<T>(ref: ImageRef, op: (ep: Endpoint) => Promise<T>, route: Route = {}): Promise<T> {
    const call = route.insecure ?? false;
    if (route.byDigest && o.mirrors[ref.domain]?.length) return viaMirrors(ref, call, op);
    return viaDomain(ref.domain, call, op);
  }

  /** The domain's allowed mirrors in turn, then the registry itself. */
  async function viaMirrors<T>(ref: ImageRef, call: boolean, op: (ep: Endpoint) => Promise<T>): Promise<T> {
    for (const mirror of mirrorsOf(ref.domain)) {
      try {
        return await viaDomain(mirror, call, op);
      } catch (e) {
        o.logger.warn('mirror failed; trying the next source', {
          mirror,
          registry: ref.domain,
          error: e instanceof Error ? e.message : String(e),
        });
      }
    }
    return viaDomain(ref.domain, call, op);
  }

  return { via };
}
