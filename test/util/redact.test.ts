import { describe, expect, it } from 'vitest';
import { MASK, redact, redactUrl, safeUrl } from '../../src/util/redact.js';

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
});
