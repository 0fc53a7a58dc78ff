import { describe, expect, it } from 'vitest';
import { formatPlatform, platformSortKey } from '../../src/model/platform.js';
import { plural, shortDigest } from '../../src/util/text.js';

const D = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('text helpers (one home each)', () => {
  it('shortDigest keeps the algorithm and 12 hex digits, or 12 bare digits, with a chosen text when absent', () => {
    expect(shortDigest(D)).toBe('sha256:0123456789ab');
    expect(shortDigest(undefined)).toBe('(none)');
    expect(shortDigest(null, { absent: '(new)' })).toBe('(new)');
    expect(shortDigest(D, { algorithm: false, absent: '-' })).toBe('0123456789ab');
    expect(shortDigest('', { algorithm: false, absent: '-' })).toBe('-');
  });
  it('plural counts', () => {
    expect(plural(1, 'tag')).toBe('1 tag');
    expect(plural(0, 'tag')).toBe('0 tags');
  });
  it('a platform reads linux/arm/v7, and the lock sorts by a three-part key that orders as before', () => {
    expect(formatPlatform({ os: 'linux', architecture: 'amd64' })).toBe('linux/amd64');
    expect(formatPlatform({ os: 'linux', architecture: 'arm', variant: 'v7' })).toBe('linux/arm/v7');
    expect(platformSortKey({ os: 'linux', architecture: 'amd64' })).toBe('linux/amd64/');
  });
});
