// Registry push notifications → the images that were pushed (pure). Three senders: the CNCF Distribution
// registry (notification envelopes), Docker Hub webhooks, and GitHub `package` / `registry_package` events.
// Signatures and bearer secrets are checked in constant time before any payload is trusted.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { DOCKER_HUB_DOMAIN, isValidTag, tryParseReference } from '../model/reference.js';

/** One pushed `repository:tag`, with every registry host it may be known by (normalised, lower case). */
export interface PushedImage {
  hosts: string[];
  /** Repository path as distribution/reference normalises it (Docker Hub single names get `library/`). */
  path: string;
  tag: string;
}

/** Media type of Distribution notification envelopes. */
export const DISTRIBUTION_EVENTS_TYPE = 'application/vnd.docker.distribution.events.v1+json';

/** A payload we cannot use: the HTTP layer answers 400 with `message`. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Normalise a host as references do (Docker Hub aliases to docker.io, lower case). */
export function normaliseHost(host: string): string {
  const h = host.trim().toLowerCase();
  return h === 'index.docker.io' || h === 'registry-1.docker.io' ? DOCKER_HUB_DOMAIN : h;
}

/** Parse `host/path:tag` into a PushedImage, or undefined when it is not a tagged reference. */
function pushed(hosts: string[], repository: string, tag: string): PushedImage | undefined {
  if (!isValidTag(tag)) return undefined;
  const hostList = [...new Set(hosts.filter(Boolean).map(normaliseHost))];
  for (const host of hostList) {
    const p = tryParseReference(`${host}/${repository}:${tag}`);
    if ('ref' in p) return { hosts: hostList, path: p.ref.path, tag };
  }
  return undefined;
}

/**
 * Distribution notification envelope: `{events: [{action: "push", target: {repository, tag}, request: {host}}]}`.
 * Events without a tag (blobs, the child manifests of an index) and other actions are skipped. The event's
 * `request.host` is the host the pusher used; `aliases` (--registry-host) name the same registry otherwise.
 */
export function parseDistribution(body: unknown, aliases: readonly string[] = []): PushedImage[] {
  if (!isObject(body) || !Array.isArray(body.events)) {
    throw new PayloadError('expected a Distribution notification envelope: {"events": [...]}');
  }
  const out: PushedImage[] = [];
  for (const e of body.events) {
    if (!isObject(e) || e.action !== 'push' || !isObject(e.target)) continue;
    const repository = str(e.target.repository);
    const tag = str(e.target.tag);
    if (!repository || !tag) continue;
    const host = isObject(e.request) ? str(e.request.host) : undefined;
    const p = pushed([...(host ? [host] : []), ...aliases], repository, tag);
    if (p) out.push(p);
  }
  return out;
}

/** Docker Hub webhook: `{push_data: {tag}, repository: {repo_name}}` (always docker.io). */
export function parseDockerHub(body: unknown): PushedImage[] {
  if (!isObject(body) || !isObject(body.push_data) || !isObject(body.repository)) {
    throw new PayloadError(
      'expected a Docker Hub webhook: {"push_data": {"tag"}, "repository": {"repo_name"}}',
    );
  }
  const repo = str(body.repository.repo_name);
  const tag = str(body.push_data.tag);
  if (!repo || !tag) return [];
  const p = pushed([DOCKER_HUB_DOMAIN], repo, tag);
  return p ? [p] : [];
}

/**
 * GitHub `package` and `registry_package` events (action published/updated) for container packages:
 * `package_version.package_url` (`ghcr.io/owner/name:tag`) when present, else the registry URL, the
 * package's namespace and name, and `container_metadata.tag.name`. Untagged versions are skipped.
 */
export function parseGitHubPackage(event: string, body: unknown): PushedImage[] {
  if (!isObject(body)) throw new PayloadError('expected a JSON object');
  const pkg = event === 'registry_package' ? body.registry_package : body.package;
  if (!isObject(pkg)) throw new PayloadError(`expected "${event}" in the ${event} event payload`);
  const type = String(pkg.package_type ?? '').toLowerCase();
  if (type !== 'container' && type !== 'docker') return [];
  const version = isObject(pkg.package_version) ? pkg.package_version : {};
  const meta = isObject(version.container_metadata) ? version.container_metadata : {};
  const tag = isObject(meta.tag) ? str(meta.tag.name) : undefined;
  const url = str(version.package_url);
  if (url) {
    const p = tryParseReference(url.replace(/^https?:\/\//, ''));
    if ('ref' in p && (p.ref.tag ?? tag)) {
      const img = pushed([p.ref.domain], p.ref.path, (p.ref.tag ?? tag)!);
      if (img) return [img];
    }
  }
  if (!tag) return [];
  const registry = isObject(pkg.registry) ? str(pkg.registry.url) : undefined;
  let host = 'ghcr.io';
  if (registry) {
    try {
      host = new URL(registry).host;
    } catch {}
  }
  const namespace = str(pkg.namespace) ?? (isObject(pkg.owner) ? str(pkg.owner.login) : undefined);
  const name = str(pkg.name);
  if (!namespace || !name) return [];
  const img = pushed([host], `${namespace}/${name}`.toLowerCase(), tag);
  return img ? [img] : [];
}

/** Constant-time string equality (lengths are compared on digests, so they leak nothing). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHmac('sha256', 'imagestreams').update(a).digest();
  const hb = createHmac('sha256', 'imagestreams').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** `X-Hub-Signature-256: sha256=<hex>` of the raw body under `secret`, compared in constant time. */
export function verifyGitHubSignature(secret: string, raw: Uint8Array, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  return safeEqual(expected, header.trim().toLowerCase());
}

/** `Authorization: Bearer <secret>`, compared in constant time. */
export function verifyBearer(secret: string, header: string | undefined): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? '');
  return m ? safeEqual(secret, m[1]!) : false;
}
