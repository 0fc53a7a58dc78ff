import { describe, expect, it } from 'vitest';
import { ResponseParser } from '../../src/registry/transport/h1-parser.js';
import { retainedBytes } from '../helpers/retained.js';

const digest = (i: number) => `sha256:${i.toString(16).padStart(64, '0')}`;

/** 300 responses whose heads carry ~50 KB of other headers (15 MB in all); what is kept is each one's digest. */
function digestsOfLargeHeads(): string[] {
  const kept: string[] = [];
  for (let i = 0; i < 300; i++) {
    const head =
      `HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Padding: ${'p'.repeat(50_000)}\r\n` +
      `Docker-Content-Digest:  ${digest(i)} \r\nEtag: "${digest(i)}"\r\n\r\n`;
    let headers: Record<string, string | undefined> = {};
    const parser = new ResponseParser(
      false,
      { maxHeadBytes: 64 * 1024, maxBodyBytes: 1024 },
      {
        head: (h) => {
          headers = h.headers;
        },
        data: () => {},
      },
    );
    parser.feed(Buffer.from(head, 'latin1'));
    expect(parser.done).toBe(true);
    kept.push(headers['docker-content-digest']!);
  }
  return kept;
}

describe('response heads', () => {
  it('a header value kept after the response does not keep its head alive (a lock holds thousands of digests)', () => {
    const { bytes, kept } = retainedBytes(digestsOfLargeHeads);
    expect(kept[299]).toBe(digest(299));
    // 300 digests are ~30 KB; their heads would be 15 MB.
    expect(bytes).toBeLessThan(2_000_000);
  });
});
