// Where a registry may send the client: redirects and Bearer token realms are registry-controlled URLs, so each is
// checked against the allowlist and the scheme rules before it is followed. Pure.

import { isLoopbackDomain } from '../model/reference.js';
import { plainHttpAllowed } from './insecure.js';

/** The hosts the project trusts beyond the registry asked. */
export interface HostPolicy {
  /** True when `host[:port]` is in allowedRegistries (always true when no allowlist is configured). */
  isAllowed(host: string): boolean;
  /** True when an allowlist is configured at all (redirect and realm hosts are then checked against it). */
  readonly restricted: boolean;
  /** Hosts registries may redirect GETs to (blob storage, CDNs) or name as their token realm. */
  isRedirectHost(host: string): boolean;
}

/** No allowlist: any host, with the scheme rules still applied. */
export const openHostPolicy: HostPolicy = {
  isAllowed: () => true,
  restricted: false,
  isRedirectHost: () => false,
};

/** Well-known hosts a registry legitimately sends clients to (token service, blob CDN), by API host. */
const KNOWN_COMPANIONS: Record<string, { realms: string[]; blobs: string[] }> = {
  'registry-1.docker.io': {
    realms: ['auth.docker.io'],
    blobs: ['production.cloudflare.docker.com'],
  },
  'quay.io': { realms: [], blobs: ['cdn.quay.io', 'cdn01.quay.io', 'cdn02.quay.io', 'cdn03.quay.io'] },
  'ghcr.io': { realms: [], blobs: ['pkg-containers.githubusercontent.com'] },
};

/** `https://host:port` only: enough to say where a request would have gone, nothing a server put in a path. */
function originOf(u: URL): string {
  return `${u.protocol}//${u.host}`;
}

/**
 * Why a redirect from `from` to `to` must not be followed, or undefined when it may be: never from HTTPS to plain
 * HTTP, plain HTTP only to loopback or insecure-marked hosts, and with an allowlist only to allowed registries —
 * or, for GETs, to the configured redirect hosts (blob storage).
 */
export function redirectRefusal(
  policy: HostPolicy,
  isInsecure: (domain: string) => boolean,
  from: URL,
  to: URL,
  method: string,
): string | undefined {
  const where = originOf(to);
  if (to.protocol !== 'https:' && to.protocol !== 'http:') return `redirect to a ${to.protocol} URL refused`;
  if (from.protocol === 'https:' && to.protocol === 'http:')
    return `redirect from HTTPS to plain HTTP (${where}) refused`;
  if (to.protocol === 'http:' && !plainHttpAllowed(to.host, isInsecure(to.host)))
    return `redirect to plain HTTP on ${where} refused (only loopback and insecure-marked registries may use HTTP)`;
  if (!policy.restricted || to.host === from.host || policy.isAllowed(to.host)) return undefined;
  const get = method === 'GET' || method === 'HEAD';
  if (get && (policy.isRedirectHost(to.host) || KNOWN_COMPANIONS[from.host]?.blobs.includes(to.hostname)))
    return undefined;
  return `redirect to ${where} refused: the host is neither in allowedRegistries nor in allowedRedirectHosts`;
}

/**
 * Why a Bearer realm must not be asked for a token (it would receive credentials), or undefined when it may be:
 * never plain HTTP for an HTTPS registry, never plain HTTP on another host, and with an allowlist only a realm on
 * the registry's own host, an allowed registry or a configured redirect host.
 */
export function realmRefusal(
  policy: HostPolicy,
  isInsecure: (domain: string) => boolean,
  registry: URL,
  realm: URL,
): string | undefined {
  const where = originOf(realm);
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:') return `token realm ${where} refused`;
  if (realm.protocol === 'http:') {
    if (registry.protocol === 'https:')
      return `token realm ${where} refused: plain HTTP for an HTTPS registry`;
    const sameMachine =
      realm.hostname === registry.hostname ||
      (isLoopbackDomain(realm.host) && isLoopbackDomain(registry.host));
    if (!sameMachine) return `token realm ${where} refused: plain HTTP on another host than the registry`;
    if (!plainHttpAllowed(realm.host, isInsecure(realm.host)))
      return `token realm ${where} refused: plain HTTP`;
  }
  if (!policy.restricted || realm.hostname === registry.hostname || policy.isAllowed(realm.host))
    return undefined;
  if (policy.isRedirectHost(realm.host) || KNOWN_COMPANIONS[registry.host]?.realms.includes(realm.hostname))
    return undefined;
  return `token realm ${where} refused: the host is neither in allowedRegistries nor in allowedRedirectHosts`;
}
