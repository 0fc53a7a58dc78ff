// Registry error construction in one place: a code, registry and reference in data and message, redacted URL.

import { ImagestreamsError } from '../model/errors.js';

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
} as const;

export type RegistryErrorCode = (typeof REGISTRY_ERROR)[keyof typeof REGISTRY_ERROR];

const TEMPORARY = new Set<string>([
  REGISTRY_ERROR.RATE_LIMITED,
  REGISTRY_ERROR.REGISTRY_UNAVAILABLE,
  REGISTRY_ERROR.BAD_RESPONSE,
  REGISTRY_ERROR.DIGEST_MISMATCH,
]);

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
): ImagestreamsError {
  const data: Record<string, unknown> = { registry: ctx.registry, reference: ctx.reference, ...extra.data };
  if (ctx.url) data.url = ctx.url;
  if (extra.status !== undefined) data.status = extra.status;
  return new ImagestreamsError(code, `${ctx.registry}: ${ctx.reference}: ${what}`, {
    data,
    cause: extra.cause,
    permanent: extra.permanent ?? !TEMPORARY.has(code),
  });
}

/** A short readable description of an error body: registry JSON errors, an HTML title, or plain text. */
export function describeBody(body: Buffer | undefined, contentType: string | undefined): string {
  if (!body || body.length === 0) return '';
  const text = body.subarray(0, 4096).toString('utf8');
  try {
    const j = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    if (Array.isArray(j.errors) && j.errors.length > 0) {
      return j.errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
    }
  } catch {
    // not JSON
  }
  if (/html/i.test(contentType ?? '') || /^\s*<(?:!doctype|html)/i.test(text)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
    const h1 = /<h1[^>]*>([^<]*)<\/h1>/i.exec(text)?.[1]?.trim();
    return `HTML page${title || h1 ? ` "${(title || h1)!.slice(0, 120)}"` : ''} (not a registry API answer — a proxy or login page in the way?)`;
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** The registry error code from a JSON error body, if any (`MANIFEST_UNKNOWN`, `DENIED`, …). */
export function bodyErrorCode(body: Buffer | undefined): string | undefined {
  if (!body || body.length === 0) return undefined;
  try {
    const j = JSON.parse(body.subarray(0, 4096).toString('utf8')) as { errors?: { code?: string }[] };
    return j.errors?.[0]?.code;
  } catch {
    return undefined;
  }
}
