// The registry package's public surface: client, run resolver, keychains, types.

export type { Clock } from '../util/clock.js';
export { defaultKeychain } from './auth/default-keychain.js';
export { DOCKER_HUB_CONFIG_KEY, dockerConfigKeychain } from './auth/docker-config.js';
export type { EnvCredentialSpec } from './auth/env-keychain.js';
export { configEnvKeychain, githubTokenKeychain } from './auth/env-keychain.js';
export type { Credential, Keychain } from './auth/keychain.js';
export { anonymousKeychain, chainKeychains, staticKeychain } from './auth/keychain.js';
export {
  createRegistryClient,
  isTemporary,
  type RegistryClient,
  type RegistryClientOptions,
} from './client.js';
export { REGISTRY_ERROR } from './errors.js';
export { formatPlatform, type PlatformSpec, parsePlatform } from './platform.js';
export { createRunResolver, type RunReport, type RunResolver, runKey } from './run-resolver.js';
export type { HttpRequest, HttpResponse, HttpSend } from './transport/http.js';
export type {
  CallOptions,
  ImageMetadata,
  ImportMode,
  ListTagsOptions,
  RawResolution,
  RegistryStats,
  ResolvedImage,
  ResolveOptions,
} from './types.js';
