// What a registry's answer to a copy request means: one error per status, with the registry's own code when it
// sent one, and what to do about it. Used for both sides of a copy (the message says which side).

import { STATUS_CODES } from 'node:http';
import { redactUrl } from '../../util/redact.js';
import { describeBody, type RequestContext, registryError, registryErrorCodes } from '../errors.js';

/** An answer as both transports return it. */
export interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
  url: URL;
}

/** The error for an unexpected answer to `what` (e.g. "target: PUT manifest sha256:…"). */
export function answerError(a: Answer, ctx: RequestContext, what: string, hasCredentials: boolean) {
  const c = { ...ctx, url: redactUrl(a.url) };
  const detail = describeBody(a.body, a.headers['content-type']);
  const suffix = detail ? ` (${detail})` : '';
  const status = a.status;
  const registryCode = registryErrorCodes(a.body)[0];
  const data = registryCode ? { registryCode } : {};
  if (status === 401 || status === 403) {
    const how = hasCredentials
      ? 'the configured credentials lack this access (pushing needs pull and push on the target repository)'
      : `configure credentials for ${ctx.registry} (docker login, auth.json, or registries.<host>.credentials)`;
    return registryError('UNAUTHORIZED', c, `${what}: HTTP ${status}${suffix}; ${how}`, { status, data });
  }
  if (status === 404)
    return registryError('MANIFEST_UNKNOWN', c, `${what}: not found (${registryCode ?? 'HTTP 404'})`, {
      status,
      data,
    });
  if (status === 429) return registryError('RATE_LIMITED', c, `${what}: rate limited (HTTP 429)`, { status });
  const text = `${what}: HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd() + suffix;
  if (status >= 500) return registryError('REGISTRY_UNAVAILABLE', c, text, { status, data });
  return registryError('BAD_RESPONSE', c, text, { status, data });
}
