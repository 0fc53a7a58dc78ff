// Credentials and the keychain chain: providers are asked in order until one knows the registry.

import type { Logger } from '../../util/logger.js';

/** What a registry may be authenticated with. */
export type Credential =
  | { kind: 'basic'; username: string; password: string }
  /** An OAuth refresh token (docker config `identitytoken`, helper Username `<token>`). */
  | { kind: 'identityToken'; token: string; username?: string }
  /** A registry token sent as-is (`registrytoken`). */
  | { kind: 'bearer'; token: string };

/** Maps a registry domain (as in references: `docker.io`, `ghcr.io`, `host:5000`) to credentials. */
export interface Keychain {
  /** Short name for logs (never includes secrets). */
  readonly name: string;
  resolve(domain: string): Promise<Credential | undefined>;
}

/** The secrets inside a credential, for redaction. */
export function credentialSecrets(c: Credential | undefined): string[] {
  if (!c) return [];
  if (c.kind === 'basic') return [c.password, Buffer.from(`${c.username}:${c.password}`).toString('base64')];
  return [c.token];
}

/** Ask each keychain in order; the first that returns credentials wins; failures are logged and skipped. */
export function chainKeychains(keychains: Keychain[], logger?: Logger): Keychain {
  return {
    name: keychains.map((k) => k.name).join(' → '),
    async resolve(domain) {
      for (const k of keychains) {
        try {
          const c = await k.resolve(domain);
          if (c) {
            logger?.debug('registry credentials found', { registry: domain, source: k.name });
            return c;
          }
        } catch (e) {
          logger?.warn('credential source failed; trying the next', {
            registry: domain,
            source: k.name,
            error: (e as Error).message,
          });
        }
      }
      return undefined;
    },
  };
}

/** No credentials: every registry is accessed anonymously. */
export const anonymousKeychain: Keychain = { name: 'anonymous', resolve: async () => undefined };

/** Fixed credentials per domain (tests, embedders). */
export function staticKeychain(map: Record<string, Credential>): Keychain {
  return { name: 'static', resolve: async (d) => map[d] };
}
