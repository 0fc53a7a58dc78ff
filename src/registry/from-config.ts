// Registry client options from the project config: insecure registries, mirrors, env-named credentials.

import type { Logger } from '../entry/logger.js';
import { defaultKeychain } from './auth/default-keychain.js';
import type { EnvCredentialSpec } from './auth/env-keychain.js';
import type { RegistryClientOptions } from './client.js';

/** The parts of the project config the registry client reads (kept structural to avoid a hard dependency). */
export interface RegistrySettings {
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
): Pick<RegistryClientOptions, 'keychain' | 'isInsecure' | 'mirrors'> {
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
  };
}
