// Credentials from environment variables: those the project config names per registry, and GITHUB_TOKEN for ghcr.io.

import type { Credential, Keychain } from './keychain.js';

/** Project config entry: which env vars hold the username and password (CI secrets) for a registry. */
export interface EnvCredentialSpec {
  usernameEnv?: string;
  /** A fixed username, when only the password is secret. */
  username?: string;
  passwordEnv: string;
}

/** Credentials named in the project config, read from the given env (never process.env directly). */
export function configEnvKeychain(
  specs: Record<string, EnvCredentialSpec>,
  env: Record<string, string | undefined>,
): Keychain {
  return {
    name: 'config env',
    async resolve(domain) {
      const spec = specs[domain] ?? specs[domain.toLowerCase()];
      if (!spec) return undefined;
      const password = env[spec.passwordEnv];
      const username = spec.usernameEnv ? env[spec.usernameEnv] : spec.username;
      if (!password) return undefined;
      return { kind: 'basic', username: username || 'token', password } satisfies Credential;
    },
  };
}

/** `GITHUB_TOKEN` (as in GitHub Actions) for ghcr.io; the username is the actor when known. */
export function githubTokenKeychain(env: Record<string, string | undefined>): Keychain {
  return {
    name: 'GITHUB_TOKEN',
    async resolve(domain) {
      if (domain.toLowerCase() !== 'ghcr.io' || !env.GITHUB_TOKEN) return undefined;
      return { kind: 'basic', username: env.GITHUB_ACTOR || 'x-access-token', password: env.GITHUB_TOKEN };
    },
  };
}
