// Secret redaction for anything that may reach a message or a log line: URLs and free text.

const SECRET_PARAMS =
  /^(?:token|access_token|refresh_token|password|secret|_state|signature|x-amz-signature|sig|code)$/i;

/** A URL safe to show: no user info, secret-looking query values replaced. */
export function redactUrl(input: string | URL): string {
  let u: URL;
  try {
    u = new URL(String(input));
  } catch {
    return '<invalid url>';
  }
  if (u.username || u.password) {
    u.username = 'REDACTED';
    u.password = '';
  }
  for (const key of [...u.searchParams.keys()]) {
    if (SECRET_PARAMS.test(key)) u.searchParams.set(key, 'REDACTED');
  }
  return u.toString();
}

/** Replace each known secret (length ≥ 4) in `text` by `REDACTED`. */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('REDACTED');
  }
  return out;
}
