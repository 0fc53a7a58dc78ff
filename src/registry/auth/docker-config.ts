// Docker / podman auth files: config.json and auth.json (`auths`, `credHelpers`, `credsStore`).

import { readFile as fsReadFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../util/logger.js';
import { type CredentialHelperRunner, runCredentialHelper } from './cred-helper.js';
import type { Credential, Keychain } from './keychain.js';

/** Docker Hub's key in config.json (and the server URL credential helpers are asked for). */
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** The parts of config.json we read. */
export interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** Auth files to read, in order: REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json, containers auth.json, ~/.docker. */
export function authFilePaths(env: Record<string, string | undefined>): string[] {
  const paths: string[] = [];
  if (env.REGISTRY_AUTH_FILE) paths.push(env.REGISTRY_AUTH_FILE);
  if (env.DOCKER_CONFIG) paths.push(join(env.DOCKER_CONFIG, 'config.json'));
  if (env.XDG_RUNTIME_DIR) paths.push(join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
  if (!env.DOCKER_CONFIG && env.HOME) paths.push(join(env.HOME, '.docker', 'config.json'));
  return paths;
}

/** The host a config key names: keys may be URLs (`https://host/v1/`) or bare hosts. */
export function configKeyHost(key: string): string {
  let k = key.trim();
  k = k.replace(/^[a-z]+:\/\//i, '');
  k = k.split('/')[0] ?? '';
  return k.toLowerCase();
}

function matches(key: string, domain: string): boolean {
  const host = configKeyHost(key);
  const d = domain.toLowerCase();
  if (HUB_ALIASES.has(d)) return HUB_ALIASES.has(host);
  return host === d;
}

function lookup<T>(map: Record<string, T> | undefined, domain: string): T | undefined {
  if (!map) return undefined;
  for (const [k, v] of Object.entries(map)) if (matches(k, domain)) return v;
  return undefined;
}

function entryCredential(e: AuthEntry): Credential | undefined {
  if (e.registrytoken) return { kind: 'bearer', token: e.registrytoken };
  let username = e.username;
  let password = e.password;
  if (e.auth) {
    const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  if (e.identitytoken)
    return { kind: 'identityToken', token: e.identitytoken, ...(username ? { username } : {}) };
  if (username && password) return { kind: 'basic', username, password };
  return undefined;
}

/** The server URL a credential helper is asked for. */
export function helperServerUrl(domain: string): string {
  return HUB_ALIASES.has(domain.toLowerCase()) ? DOCKER_HUB_CONFIG_KEY : domain;
}

export interface DockerConfigKeychainOptions {
  env: Record<string, string | undefined>;
  logger?: Logger;
  readFile?: (path: string) => Promise<string>;
  runHelper?: CredentialHelperRunner;
}

/** Keychain over docker/podman auth files; credHelpers[host], then credsStore, then auths[host]. */
export function dockerConfigKeychain(opts: DockerConfigKeychainOptions): Keychain {
  const readFile = opts.readFile ?? ((p: string) => fsReadFile(p, 'utf8'));
  const runHelper = opts.runHelper ?? ((name, url) => runCredentialHelper(name, url, opts.env));
  let files: Promise<{ path: string; config: DockerConfigFile }[]> | undefined;
  const load = () => {
    files ??= (async () => {
      const out: { path: string; config: DockerConfigFile }[] = [];
      for (const path of authFilePaths(opts.env)) {
        let text: string;
        try {
          text = await readFile(path);
        } catch {
          continue;
        }
        try {
          out.push({ path, config: JSON.parse(text) as DockerConfigFile });
        } catch {
          opts.logger?.warn('ignoring unreadable auth file (not JSON)', { path });
        }
      }
      return out;
    })();
    return files;
  };
  return {
    name: 'docker config',
    async resolve(domain) {
      for (const { config } of await load()) {
        const helper = lookup(config.credHelpers, domain) ?? config.credsStore;
        if (helper) {
          const c = await runHelper(helper, helperServerUrl(domain));
          if (c) return c;
        }
        const entry = lookup(config.auths, domain);
        const c = entry ? entryCredential(entry) : undefined;
        if (c) return c;
      }
      return undefined;
    },
  };
}
