// Response checking in one place, as go-containerregistry's transport.CheckError: an expected status passes,
// anything else becomes a typed registry error (status, OCI error codes of the body, redacted URL).

import { createRequire } from 'node:module';
import type { ImagestreamsError } from '../model/errors.js';
import { redactUrl } from '../util/redact.js';
import { describeBody, type RequestContext, registryError, registryErrorCodes } from './errors.js';
import type { PolicyResponse } from './transport/requester.js';

/** An answer as the buffered requester and the streamed blob transfer both return it. */
export type Answer = Pick<PolicyResponse, 'status' | 'headers' | 'body' | 'url'>;

/** What a check needs to say beyond the response: the request's context and a short label of what was asked. */
export interface CheckSubject {
  ctx: RequestContext;
  /** e.g. `HEAD manifest 1.0`, `list tags`, `the token server`. */
  what: string;
  /**
   * The wording of a 401 or 403 (it depends on whether credentials were configured, which the caller knows);
   * `detail` is what the body says, as ` (…)`, or empty.
   */
  unauthorized: (status: 401 | 403, detail: string) => Promise<string> | string;
  /** False when a 404 means a broken server (the token server), not an unknown repository, tag or digest. */
  notFoundIsUnknown?: boolean;
}

// node:http (for its reason phrases) loads only when an answer is an error: a run whose answers are all fine never
// loads it (about 3 ms of start-up).
const builtin = createRequire(import.meta.url);
const reason = (status: number): string =>
  (builtin('node:http') as typeof import('node:http')).STATUS_CODES[status] ?? '';

/** Throw the typed error for `res` unless its status is one of `ok` (default 200). */
export async function checkResponse(
  res: Answer,
  subject: CheckSubject,
  ok: readonly number[] = [200],
): Promise<void> {
  if (ok.includes(res.status)) return;
  throw await responseError(res, subject);
}

/** The usual wording of a 403: access denied, with what the body says (codes and a sanitised message). */
export function accessDenied(what: string, res: Answer): string {
  const detail = describeBody(res.body, res.headers['content-type']);
  return `${what}: access denied (HTTP 403)${detail ? ` (${detail})` : ''}`;
}

/** The error a non-success answer means: UNAUTHORIZED, MANIFEST_UNKNOWN, RATE_LIMITED, REGISTRY_UNAVAILABLE or BAD_RESPONSE. */
export async function responseError(res: Answer, subject: CheckSubject): Promise<ImagestreamsError> {
  const c = { ...subject.ctx, url: redactUrl(res.url) };
  const { what } = subject;
  const status = res.status;
  const detail = describeBody(res.body, res.headers['content-type']);
  const suffix = detail ? ` (${detail})` : '';
  const codes = registryErrorCodes(res.body);
  const data = codes.length > 0 ? { registryCode: codes[0], registryCodes: codes } : {};
  if (status === 401 || status === 403)
    return registryError('UNAUTHORIZED', c, await subject.unauthorized(status, suffix), { status, data });
  if (status === 404 && subject.notFoundIsUnknown !== false) {
    return registryError(
      'MANIFEST_UNKNOWN',
      c,
      `${what}: not found (${codes[0] ?? 'HTTP 404'}); check the repository name and tag`,
      { status, data },
    );
  }
  if (status === 429) {
    const ra = res.headers['retry-after'];
    return registryError(
      'RATE_LIMITED',
      c,
      `${what}: rate limited (HTTP 429${ra ? `, Retry-After ${ra}` : ''})`,
      {
        status,
        data: { ...data, ...(ra ? { retryAfter: ra } : {}) },
      },
    );
  }
  const text = `HTTP ${status} ${reason(status)}`.trimEnd() + suffix;
  if (status >= 500) return registryError('REGISTRY_UNAVAILABLE', c, `${what}: ${text}`, { status, data });
  return registryError('BAD_RESPONSE', c, `${what}: unexpected ${text}`, { status, data });
}
