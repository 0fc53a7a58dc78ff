// Registry error construction in one place: a code, registry and reference in data and message, redacted URL.

import type { ErrorCode, RegistryErrorData } from '../model/error-codes.js';
import { ImagestreamsError, type ImagestreamsErrorOf } from '../model/errors.js';
import { sanitizeText } from './validate.js';

/** Error codes raised by the registry client (match on these, never on messages). */
export const REGISTRY_ERROR = {
  MANIFEST_UNKNOWN: 'MANIFEST_UNKNOWN',
  UNAUTHORIZED: 'UNAUTHORIZED',
  DIGEST_MISMATCH: 'DIGEST_MISMATCH',
  RATE_LIMITED: 'RATE_LIMITED',
  REGISTRY_UNAVAILABLE: 'REGISTRY_UNAVAILABLE',
  BAD_RESPONSE: 'BAD_RESPONSE',
  NOT_ALLOWED: 'NOT_ALLOWED',
  PLATFORM_NOT_FOUND: 'PLATFORM_NOT_FOUND',
} as const satisfies Record<string, ErrorCode>;

export type RegistryErrorCode = (typeof REGISTRY_ERROR)[keyof typeof REGISTRY_ERROR];

/** What a request was about: which registry, which reference (familiar or full form), which URL. */
export interface RequestContext {
  registry: string;
  reference: string;
  /** Already redacted. */
  url?: string;
}

/** Build a registry error: message `<registry>: <reference>: <what>`, data with registry/reference/status. */
export function registryError(
  code: RegistryErrorCode,
  ctx: RequestContext,
  what: string,
  extra: { status?: number; cause?: unknown; data?: Record<string, unknown>; permanent?: boolean } = {},
): ImagestreamsErrorOf<RegistryErrorCode> {
  const data: RegistryErrorData & Record<string, unknown> = {
    registry: ctx.registry,
    reference: ctx.reference,
    ...extra.data,
  };
  if (ctx.url) data.url = ctx.url;
  if (extra.status !== undefined) data.status = extra.status;
  // The data is RegistryErrorData by construction (above), which is what the cast records.
  return new ImagestreamsError(code, `${ctx.registry}: ${ctx.reference}: ${what}`, {
    data,
    cause: extra.cause,
    ...(extra.permanent !== undefined ? { permanent: extra.permanent } : {}),
  }) as ImagestreamsErrorOf<RegistryErrorCode>;
}

/**
 * What an error body may contribute to a message: never the body itself (it may echo a metadata service, a login
 * page or injected text into locks, PR bodies and logs). A registry JSON error gives its codes and a short,
 * sanitised message; anything else is described by its kind and size only.
 */
export function describeBody(body: Buffer | undefined, contentType: string | undefined): string {
  if (!body || body.length === 0) return '';
  const errors = registryErrors(body);
  if (errors) {
    return errors
      .slice(0, 3)
      .map((e) => [e.code, e.message ? sanitizeText(e.message, 160) : undefined].filter(Boolean).join(': '))
      .join('; ');
  }
  const head = body.subarray(0, 512).toString('utf8');
  if (/html/i.test(contentType ?? '') || /^\s*<(?:!doctype|html)/i.test(head)) {
    return 'an HTML page, not a registry API answer (a proxy or login page in the way?)';
  }
  return `a ${body.length}-byte body that is not a registry error (not shown)`;
}

/** A registry error code as the distribution spec writes them (`MANIFEST_UNKNOWN`, `DENIED`, …). */
function isErrorCode(c: unknown): c is string {
  return typeof c === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(c);
}

/** The `errors[]` of an OCI error body, codes validated; undefined when the body is not one. */
function registryErrors(body: Buffer): { code?: string; message?: string }[] | undefined {
  try {
    const j = JSON.parse(body.subarray(0, 16_384).toString('utf8')) as { errors?: unknown };
    if (!Array.isArray(j.errors) || j.errors.length === 0) return undefined;
    const out = (j.errors as unknown[]).map((e) => {
      const o = (e && typeof e === 'object' ? e : {}) as { code?: unknown; message?: unknown };
      return {
        ...(isErrorCode(o.code) ? { code: o.code } : {}),
        ...(typeof o.message === 'string' ? { message: o.message } : {}),
      };
    });
    return out.some((e) => e.code || e.message) ? out : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The error codes of the OCI distribution spec (and Docker's `TOOMANYREQUESTS`). A body may carry others; they are
 * kept when well-formed (`isErrorCode`), so this list documents rather than filters.
 */
export type OciErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS';

/** The error codes of a JSON error body, in order (`MANIFEST_UNKNOWN`, `DENIED`, …), validated; [] when none. */
export function registryErrorCodes(body: Buffer | undefined): (OciErrorCode | (string & {}))[] {
  if (!body || body.length === 0) return [];
  return (registryErrors(body) ?? []).flatMap((e) => (e.code ? [e.code] : []));
}
