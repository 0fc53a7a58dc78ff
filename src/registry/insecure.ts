// The one insecure decision: which hosts may be reached over plain HTTP or unverified TLS, and in which order the
// schemes are tried. Pure; the client, the redirect rules and the realm rules all ask here.

import { isLoopbackDomain, registryHost } from '../model/reference.js';

/** Registries the config marks insecure (`insecureRegistries`, `registries.<host>.insecure`). */
export type InsecureRegistries = (domain: string) => boolean;

/**
 * True when `domain` may be spoken to without TLS verification: the config marks it, or the call asks for it
 * (`importPolicy.insecure` on the tag, `openshift.io/image.insecureRepository` on its stream, as OpenShift: the
 * import "may bypass certificate verification or connect directly over HTTP"). Loopback is not insecure: it may
 * use plain HTTP without opt-in but gets no unverified TLS.
 */
export function isInsecure(configured: InsecureRegistries, domain: string, call = false): boolean {
  return call || configured(domain);
}

/** True when plain HTTP to `host` is acceptable: loopback (as Docker does), or an insecure host. */
export function plainHttpAllowed(host: string, insecure: boolean): boolean {
  return isLoopbackDomain(host) || insecure;
}

/** One way to reach a registry. */
export interface Scheme {
  scheme: 'http' | 'https';
  insecureTls: boolean;
}

/** The schemes to try, in order: insecure → HTTPS without verification, then HTTP; loopback → HTTP; else HTTPS. */
export function schemesFor(domain: string, insecure: boolean): Scheme[] {
  if (insecure)
    return [
      { scheme: 'https', insecureTls: true },
      { scheme: 'http', insecureTls: false },
    ];
  if (isLoopbackDomain(domain)) return [{ scheme: 'http', insecureTls: false }];
  return [{ scheme: 'https', insecureTls: false }];
}

/** The base URL of a registry (or mirror) domain over a scheme (Docker Hub's API host, etc.). */
export function baseUrl(domain: string, s: Scheme): URL {
  return new URL(`${s.scheme}://${registryHost(domain)}`);
}
