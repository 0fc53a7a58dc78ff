// The standard chain: config-named env creds → docker/podman auth files → GITHUB_TOKEN for ghcr.io → anonymous.

import type { Logger } from '../../util/logger.js';
import { dockerConfigKeychain } from './docker-config.js';
import { configEnvKeychain, type EnvCredentialSpec, githubTokenKeychain } from './env-keychain.js';
import { chainKeychains, type Keychain } from './keychain.js';

/** Build the default keychain from an env map (never process.env) and the project config's credential specs. */
export function defaultKeychain(opts: {
  env: Record<string, string | undefined>;
  credentials?: Record<string, EnvCredentialSpec>;
  logger?: Logger;
}): Keychain {
  return chainKeychains(
    [
      configEnvKeychain(opts.credentials ?? {}, opts.env),
      dockerConfigKeychain({ env: opts.env, ...(opts.logger ? { logger: opts.logger } : {}) }),
      githubTokenKeychain(opts.env),
    ],
    opts.logger,
  );
}
