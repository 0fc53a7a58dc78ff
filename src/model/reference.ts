// Image references, parsed and normalised as distribution/reference does (no I/O).

import { detached } from '../util/text.js';
import { checkDigest } from './digest.js';
import { ImagestreamsError } from './errors.js';

/** A parsed, normalised image reference. `domain` is always set (docker.io for Docker Hub). */
export interface ImageRef {
  /** Registry host, with port if any, as written except Docker Hub aliases (always `docker.io`). */
  readonly domain: string;
  /** Repository path, lower case; Docker Hub single components carry `library/`. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

export const DOCKER_HUB_DOMAIN = 'docker.io';
/** The host Docker Hub's registry API actually answers on. */
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const LEGACY_DOCKER_HUB = 'index.docker.io';

/** distribution/reference's RepositoryNameTotalLengthMax: the path, without the domain. */
const NAME_TOTAL_MAX = 255;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const SHA256_RE = /^sha256:[0-9a-f]{64}$/;
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME_RE = new RegExp(`^${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*$`);
/** As distribution/reference: hex and colons only (no embedded IPv4 tail, no zone). */
const IPV6_RE = /^\[[0-9a-fA-F:]+\]$/;
const PORT_RE = /^[0-9]+$/;
const ANCHORED_ID_RE = /^[a-f0-9]{64}$/;

/** Thrown (with code `INVALID_REFERENCE`) when a string is not a valid image reference. */
class InvalidReferenceError extends ImagestreamsError {
  constructor(input: string, reason: string) {
    super(
      'INVALID_REFERENCE',
      `invalid image reference ${JSON.stringify(input)}: ${reason}; a valid form is "quay.io/org/app:1.2" or "registry.example.com:5000/team/app@sha256:<64 hex>"`,
      { data: { input, reason }, permanent: true },
    );
  }
}

/** True for a tag name valid both for OCI and for OpenShift stream tags. */
export function isValidTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

/** True for a well-formed `sha256:<64 lower hex>` digest (the only kind we trust from headers). */
export function isSha256Digest(d: string): boolean {
  return SHA256_RE.test(d);
}

function isDomain(component: string): boolean {
  return (
    component.includes('.') || component.includes(':') || component === 'localhost' || /[A-Z]/.test(component)
  );
}

function checkDomain(input: string, domain: string): void {
  let host = domain;
  let port: string | undefined;
  if (domain.startsWith('[')) {
    const end = domain.indexOf(']');
    if (end < 0) throw new InvalidReferenceError(input, `unterminated IPv6 address in domain "${domain}"`);
    host = domain.slice(0, end + 1);
    const rest = domain.slice(end + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw new InvalidReferenceError(input, `invalid domain "${domain}"`);
      port = rest.slice(1);
    }
    if (!IPV6_RE.test(host)) throw new InvalidReferenceError(input, `invalid IPv6 address "${host}"`);
  } else {
    const colon = domain.lastIndexOf(':');
    if (colon >= 0) {
      host = domain.slice(0, colon);
      port = domain.slice(colon + 1);
    }
    if (!DOMAIN_NAME_RE.test(host))
      throw new InvalidReferenceError(input, `invalid registry domain "${domain}"`);
  }
  if (port !== undefined && !PORT_RE.test(port)) {
    throw new InvalidReferenceError(input, `invalid port in domain "${domain}"`);
  }
}

function checkDigestPart(input: string, digest: string): void {
  if (!DIGEST_RE.test(digest)) {
    throw new InvalidReferenceError(
      input,
      `invalid digest "${digest}" (expected algorithm:hex, e.g. sha256:<64 hex>)`,
    );
  }
  const checked = checkDigest(digest);
  if ('problem' in checked) throw new InvalidReferenceError(input, checked.message);
}

function checkTag(input: string, tag: string): void {
  if (!TAG_RE.test(tag)) {
    throw new InvalidReferenceError(
      input,
      `invalid tag "${tag}" (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")`,
    );
  }
}

/** A whole repository path of valid components (one scan; the component loop below only explains a failure). */
const PATH_RE = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;

/** The repository path (before the `library/` default): lower case, valid components. */
function checkPath(input: string, path: string): void {
  if (PATH_RE.test(path)) return;
  if (/[A-Z]/.test(path)) {
    throw new InvalidReferenceError(
      input,
      `repository name must be lowercase (did you mean "${path.toLowerCase()}"?)`,
    );
  }
  for (const comp of path.split('/')) {
    if (!PATH_COMPONENT_RE.test(comp)) {
      throw new InvalidReferenceError(
        input,
        comp === ''
          ? 'empty path component (double or trailing "/")'
          : `invalid path component "${comp}" (lower-case letters and digits, separated by ".", "_", "__" or "-")`,
      );
    }
  }
}

/** Most distinct references the memo of parseReference keeps before it starts afresh (bounded memory). */
export const REFERENCE_MEMO_MAX = 16_384;
// A reconcile parses each `from` several times (validation, planning, import): valid references are remembered,
// frozen since ImageRef is read-only and shared. Invalid ones are parsed again each time, so every caller gets
// its own error, exactly as without the memo. No I/O: a cache of a pure function's results.
const memo = new Map<string, ImageRef>();

/**
 * Parse a reference the way distribution/reference's ParseNormalizedNamed does:
 * Docker Hub domain and `library/` defaults, tag and digest kept as written. The result is frozen (and may be
 * shared with other callers that parsed the same text): copy it to change it.
 */
export function parseReference(input: string): ImageRef {
  const known = memo.get(input);
  if (known !== undefined) return known;
  // Kept for the process (the daemon's runs too): detached, so neither the key nor the parts cut from it keep the
  // declaration file the text was cut from.
  const own = typeof input === 'string' ? detached(input) : input;
  const ref = Object.freeze(parseReferenceUncached(own));
  if (memo.size >= REFERENCE_MEMO_MAX) memo.clear();
  memo.set(own, ref);
  return ref;
}

/** parseReference without its memo (what the memo stores; the property test compares the two). */
export function parseReferenceUncached(input: string): ImageRef {
  if (typeof input !== 'string' || input.length === 0)
    throw new InvalidReferenceError(String(input), 'it is empty');
  if (input !== input.trim() || /\s/.test(input))
    throw new InvalidReferenceError(input, 'it contains white space');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    checkDigestPart(input, digest);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    checkTag(input, tag);
  }
  if (rest === '') throw new InvalidReferenceError(input, 'the repository name is empty');
  const slash = rest.indexOf('/');
  let domain: string;
  let path: string;
  const first = slash >= 0 ? rest.slice(0, slash) : rest;
  if (slash < 0 && ANCHORED_ID_RE.test(input)) {
    throw new InvalidReferenceError(
      input,
      'a name of 64 hex characters is an image ID, not a repository name',
    );
  }
  if (slash >= 0 && isDomain(first)) {
    domain = first;
    path = rest.slice(slash + 1);
    checkDomain(input, domain);
  } else {
    domain = DOCKER_HUB_DOMAIN;
    path = rest;
  }
  if (domain === LEGACY_DOCKER_HUB) domain = DOCKER_HUB_DOMAIN;
  if (path === '') throw new InvalidReferenceError(input, 'the repository path is empty');
  checkPath(input, path);
  if (domain === DOCKER_HUB_DOMAIN && !path.includes('/')) path = `library/${path}`;
  if (path.length > NAME_TOTAL_MAX) {
    throw new InvalidReferenceError(
      input,
      `repository path longer than ${NAME_TOTAL_MAX} characters (${path.length}, not counting the registry)`,
    );
  }
  const ref: { domain: string; path: string; tag?: string; digest?: string } = { domain, path };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/**
 * A warning for a reference that parses but is likely a mistake: a single-label registry host with upper-case
 * letters (`LOCALDOMAIN/debian`), which distribution and OpenShift take as a host, not as a Docker Hub namespace.
 */
export function referenceWarning(ref: ImageRef): string | undefined {
  const host = ref.domain.replace(/:\d+$/, '');
  if (/[A-Z]/.test(host) && !host.includes('.') && !host.startsWith('[')) {
    return `"${ref.domain}" is taken as a registry host (a name with capitals before the first "/" is a host, as in OpenShift); if you meant a Docker Hub namespace, write it in lower case: "${ref.domain.toLowerCase()}/${ref.path}"`;
  }
  return undefined;
}

/** Parse, returning an error instead of throwing (for validators that collect all errors). */
export function tryParseReference(input: string): { ref: ImageRef } | { error: InvalidReferenceError } {
  try {
    return { ref: parseReference(input) };
  } catch (e) {
    if (e instanceof InvalidReferenceError) return { error: e };
    throw e;
  }
}

/** `domain/path` in full form, e.g. `docker.io/library/python`. */
export function repositoryName(ref: ImageRef): string {
  return `${ref.domain}/${ref.path}`;
}

/** Full form: `docker.io/library/python:3.12@sha256:…`. */
export function formatFull(ref: ImageRef): string {
  return (
    repositoryName(ref) + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '')
  );
}

/** The familiar (short) form, as `docker` prints it: `python:3.12`, `user/app`, `quay.io/org/app`. */
export function formatFamiliar(ref: ImageRef): string {
  let name = repositoryName(ref);
  if (ref.domain === DOCKER_HUB_DOMAIN) {
    name = ref.path.startsWith('library/') && ref.path.split('/').length === 2 ? ref.path.slice(8) : ref.path;
  }
  return name + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '');
}

/** `repo@digest`: the pinned pull spec a consumer gets. */
export function pinned(ref: ImageRef, digest: string): string {
  return `${repositoryName(ref)}@${digest}`;
}

/** Tag defaulted to `latest` when neither tag nor digest is given (TagNameOnly). */
export function withDefaultTag(ref: ImageRef): ImageRef {
  if (ref.tag === undefined && ref.digest === undefined) return { ...ref, tag: 'latest' };
  return ref;
}

/** The host to speak the registry API to (Docker Hub's API lives elsewhere). */
export function registryHost(ref: ImageRef | string): string {
  const d = typeof ref === 'string' ? ref : ref.domain;
  return d === DOCKER_HUB_DOMAIN || d === LEGACY_DOCKER_HUB ? DOCKER_HUB_API_HOST : d;
}

/** True for loopback registries, which may be spoken to over plain HTTP without an opt-in (as Docker does). */
export function isLoopbackDomain(domain: string): boolean {
  const host = domain.startsWith('[')
    ? domain.slice(0, domain.indexOf(']') + 1)
    : domain.replace(/:\d+$/, '');
  return host === 'localhost' || /^127(?:\.\d{1,3}){3}$/.test(host) || host === '[::1]';
}
