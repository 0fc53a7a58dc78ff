import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MASK, redact, redactUrl, safeUrl } from '../../src/util/redact.js';
import { check } from '../helpers/property.js';

describe('redact (one mask for git, GitHub and registry messages)', () => {
  it('masks URL user info anywhere in a text', () => {
    expect(redact('push to https://x-access-token:ghs_abc@github.com/o/r.git failed')).toBe(
      `push to https://${MASK}@github.com/o/r.git failed`,
    );
  });
  it('masks secret-looking query values in a text and keeps the others', () => {
    expect(redact('GET https://r/token?scope=x&access_token=abc&n=1 -> 401')).toBe(
      `GET https://r/token?scope=x&access_token=${MASK}&n=1 -> 401`,
    );
  });
  it('keeps JSON parseable: a masked value ends at the closing quote', () => {
    const json = JSON.stringify({ url: 'http://h/blob?X-Amz-Signature=abc', n: 1 });
    expect(JSON.parse(redact(json))).toEqual({ url: `http://h/blob?X-Amz-Signature=${MASK}`, n: 1 });
  });
  it('masks known secrets of 4 characters or more, not shorter ones', () => {
    expect(redact('Basic c2VjcmV0 and secret and ab', ['secret', 'c2VjcmV0', 'ab', undefined])).toBe(
      `Basic ${MASK} and ${MASK} and ab`,
    );
  });
  it('leaves local paths as they are', () => {
    expect(safeUrl('/tmp/repo.git')).toBe('/tmp/repo.git');
  });
  it('parses URLs strictly when asked, and never echoes an unparsable one', () => {
    expect(redactUrl('https://u:p@h/x?sig=1')).toBe(`https://${MASK}@h/x?sig=${MASK}`);
    expect(redactUrl('not a url u:p@')).toBe('<invalid url>');
  });
  it('redacts a parsed URL as it redacts its text: user info and secret query values masked', () => {
    expect(redactUrl(new URL('https://u:p@h/v2/x/manifests/1?sig=1'))).toBe(
      `https://${MASK}@h/v2/x/manifests/1?sig=${MASK}`,
    );
    expect(redactUrl(new URL('http://:p@h/x'))).toBe(`http://${MASK}@h/x`);
    expect(redactUrl(new URL('http://127.0.0.1:5000/v2/a/manifests/t'))).toBe(
      'http://127.0.0.1:5000/v2/a/manifests/t',
    );
  });
  it('gives the same text for a URL and its parsed form (the fast path skips only what has nothing to mask)', async () => {
    const part = fc.constantFrom('u', 'p', 'x', 'token', 'sig', 'n', '1', '%40', '');
    await check(
      fc.property(
        fc.tuple(part, part, part, part, part, fc.boolean(), fc.boolean()),
        ([user, pass, path, key, value, withUser, withQuery]) => {
          const auth = withUser ? `${user}:${pass}@` : '';
          const query = withQuery ? `?${key}=${value}` : '';
          const text = `https://${auth}registry.example:5000/v2/${path}/manifests/t${query}`;
          expect(redactUrl(new URL(text))).toBe(redactUrl(text));
          if (withUser && (user || pass)) expect(redactUrl(new URL(text))).toContain(`//${MASK}@`);
        },
      ),
      200,
    );
  });
  it('masks in texts with or without URL and query markers alike', async () => {
    const piece = fc.constantFrom(
      'https://',
      'u:p@',
      'h/x',
      '?',
      '&',
      'token=',
      'sig=',
      'abc',
      ' ',
      '=',
      '"',
    );
    await check(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        const full = text
          .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, `$1${MASK}@`)
          .replace(/([?&])([^=&#\s"'\\<>]+)=([^&#\s"'\\<>]*)/g, (m, sep: string, key: string) =>
            /^(?:token|access_token|refresh_token|password|secret|_state|signature|x-amz-signature|sig|code)$/i.test(
              key,
            )
              ? `${sep}${key}=${MASK}`
              : m,
          );
        expect(redact(text)).toBe(full);
      }),
      300,
    );
  });
});
