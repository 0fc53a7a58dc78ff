import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detached } from '../../src/util/text.js';
import { check } from '../helpers/property.js';
import { retainedBytes } from '../helpers/retained.js';

/** 200 texts of ~100 KB each (20 MB), and from each a 71-character cut, kept by `keep`. */
function cuts(keep: (s: string) => string): string[] {
  const out: string[] = [];
  for (let i = 0; i < 200; i++) {
    const text = `${'x'.repeat(100_000)}sha256:${i.toString(16).padStart(64, '0')}${'y'.repeat(10)}`;
    out.push(keep(text.slice(100_000, 100_071)));
  }
  return out;
}

describe('detached', () => {
  it('keeps a cut, not the text it was cut from (a plain cut keeps the whole text alive)', () => {
    // The control: without detaching, the cuts hold the 20 MB of texts (the measure sees what it must).
    const plain = retainedBytes(() => cuts((s) => s));
    expect(plain.bytes).toBeGreaterThan(15_000_000);
    const own = retainedBytes(() => cuts(detached));
    expect(own.kept[199]).toBe(`sha256:${(199).toString(16).padStart(64, '0')}`);
    expect(own.bytes).toBeLessThan(1_000_000);
  });

  it('returns an equal string for any string, lone surrogates and all', async () => {
    await check(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        expect(detached(s)).toBe(s);
      }),
      300,
    );
  });
});
