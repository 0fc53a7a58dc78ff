// Registry client options from the project config: insecure registries, mirrors, env-named credentials.

import { registryMatches } from '../config/config.js';
import type { Logger } from '../util/logger.js';
import { defaultKeychain } from './auth/default-keychain.js';
import type { EnvCredentialSpec } from './auth/env-keychain.js';
import type { RegistryClientOptions } from './client.js';
import type { HostPolicy } from './host-policy.js';

/** The parts of the project config the registry client reads (kept structural to avoid a hard dependency). */
export interface RegistrySettings {
  /** undefined: every registry is allowed. */
  allowedRegistries?: string[];
  /** Hosts registries may redirect GETs to or name as token realm, when an allowlist is set. */
  allowedRedirectHosts?: string[];
  insecureRegistries?: string[];
  registries?: Record<
    string,
    { mirrors?: string[]; insecure?: boolean; credentials?: { usernameEnv: string; passwordEnv: string } }
  >;
}

/** Keychain, insecure predicate and mirrors for `createRegistryClient`, from config + env (never process.env). */
export function registryOptionsFromConfig(
  settings: RegistrySettings,
  env: Record<string, string | undefined>,
  logger?: Logger,
): Pick<RegistryClientOptions, 'keychain' | 'isInsecure' | 'mirrors' | 'hostPolicy'> {
  const insecure = new Set((settings.insecureRegistries ?? []).map((d) => d.toLowerCase()));
  const mirrors: Record<string, string[]> = {};
  const credentials: Record<string, EnvCredentialSpec> = {};
  for (const [domain, r] of Object.entries(settings.registries ?? {})) {
    if (r.insecure) insecure.add(domain.toLowerCase());
    if (r.mirrors?.length) mirrors[domain] = r.mirrors;
    if (r.credentials) credentials[domain] = r.credentials;
  }
  return {
    keychain: defaultKeychain({ env, credentials, ...(logger ? { logger } : {}) }),
    isInsecure: (d) => insecure.has(d.toLowerCase()),
    mirrors,
    hostPolicy: hostPolicyOf(settings),
  };
}

/** The allowlist and redirect hosts as the client checks them (patterns as in allowedRegistries). */
export function hostPolicyOf(
  settings: Pick<RegistrySettings, 'allowedRegistries' | 'allowedRedirectHosts'>,
): HostPolicy {
  const allowed = settings.allowedRegistries;
  const redirects = settings.allowedRedirectHosts ?? [];
  return {
    restricted: allowed !== undefined,
    isAllowed: (host) => !allowed || allowed.some((p) => registryMatches(p, host)),
    isRedirectHost: (host) => redirects.some((p) => registryMatches(p, host)),
  };
}
