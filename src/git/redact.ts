// Keeps tokens out of every message this layer builds: URL credentials and known secret values are masked.

/** Removes `user:password@` from URLs anywhere in `text` and masks each secret value. */
export function redact(text: string, secrets: Array<string | undefined> = []): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('***');
  }
  return out;
}

/** A URL without credentials, for messages and results. */
export function safeUrl(url: string): string {
  return redact(url);
}
