// The one redactor: anything that may reach a message, a result or a log line passes through it, so URL
// credentials, secret-looking query values and known secret values never leave the process. One mask everywhere.

/** What a secret is replaced by. */
export const MASK = 'REDACTED';

const SECRET_PARAMS =
  /^(?:token|access_token|refresh_token|password|secret|_state|signature|x-amz-signature|sig|code)$/i;

/** `scheme://user:password@` anywhere in a text. */
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi;

/** `?key=value` / `&key=value` anywhere in a text; quotes and backslashes end it (a URL inside JSON). */
const QUERY_PARAM = /([?&])([^=&#\s"'\\<>]+)=([^&#\s"'\\<>]*)/g;

/**
 * `text` with user info removed from every URL in it, secret-looking query values masked and each known secret
 * (length ≥ 4; shorter ones would mask ordinary words) replaced by the mask.
 */
export function redact(text: string, secrets: Iterable<string | undefined> = []): string {
  // Neither pattern can match without its marker: most texts (every log line of a run) skip both scans.
  let out = text.includes('://') ? text.replace(USERINFO, `$1${MASK}@`) : text;
  if (out.includes('=')) {
    out = out.replace(QUERY_PARAM, (m, sep: string, key: string) =>
      SECRET_PARAMS.test(key) ? `${sep}${key}=${MASK}` : m,
    );
  }
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join(MASK);
  }
  return out;
}

/** A URL (or a local path, left as is) without credentials, for messages and results. */
export function safeUrl(url: string): string {
  return redact(url);
}

/** A parsed URL safe to show: no user info, secret-looking query values masked; `<invalid url>` if unparsable. */
export function redactUrl(input: string | URL): string {
  // A parsed URL without user info or query has nothing to mask, and its href is what parsing it again gives.
  if (input instanceof URL && !input.username && !input.password && !input.search) return input.href;
  let u: URL;
  try {
    u = new URL(String(input));
  } catch {
    return '<invalid url>';
  }
  if (u.username || u.password) {
    u.username = MASK;
    u.password = '';
  }
  for (const key of [...u.searchParams.keys()]) {
    if (SECRET_PARAMS.test(key)) u.searchParams.set(key, MASK);
  }
  return u.toString();
}
