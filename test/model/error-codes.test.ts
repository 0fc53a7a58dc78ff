// The error catalogue is complete and live: every code in it is raised somewhere in src/ (tsc refuses a code
// raised that is not in it), and every hint is one sentence that says what to do.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { withHints } from '../../src/model/diagnostic.js';
import { ERROR_CATALOGUE, ERROR_CODES, hintFor } from '../../src/model/error-codes.js';
import { hasCode, ImagestreamsError } from '../../src/model/errors.js';
import { publishSkipReason } from '../../src/publish/skip.js';
import { registryError } from '../../src/registry/errors.js';

const SRC = join(import.meta.dirname, '..', '..', 'src');
const CATALOGUE_FILE = join(SRC, 'model', 'error-codes.ts');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('error catalogue', () => {
  it('holds no dead code: every code appears as a literal in src/ outside the catalogue', () => {
    const text = sources(SRC)
      .filter((f) => f !== CATALOGUE_FILE)
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const dead = ERROR_CODES.filter((c) => !text.includes(`'${c}'`));
    expect(dead).toEqual([]);
  });

  it('gives every code a non-empty one-line hint ending with a period', () => {
    for (const c of ERROR_CODES) {
      const { hint } = ERROR_CATALOGUE[c];
      expect(hint.trim().length, c).toBeGreaterThan(0);
      expect(hint.endsWith('.'), `${c}: ${hint}`).toBe(true);
      expect(hint.includes('\n'), c).toBe(false);
    }
  });

  it('names codes in upper snake case', () => {
    for (const c of ERROR_CODES) expect(c).toMatch(/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/);
  });

  it('gives an error the catalogue hint and permanence unless the raise site decides', () => {
    const e = new ImagestreamsError('RATE_LIMITED', 'slow down');
    expect(e.hint).toBe(hintFor('RATE_LIMITED'));
    expect(e.permanent).toBe(false);
    expect(new ImagestreamsError('USAGE', 'x').permanent).toBe(true);
    const own = new ImagestreamsError('RATE_LIMITED', 'x', { permanent: true, hint: 'Do this.' });
    expect([own.permanent, own.hint]).toEqual([true, 'Do this.']);
  });

  it('types the data of registry errors, so readers need no casts', () => {
    const e: unknown = registryError(
      'RATE_LIMITED',
      { registry: 'r.example', reference: 'r.example/a:1' },
      '429',
      {
        status: 429,
        data: { retryAfter: '30' },
      },
    );
    expect(hasCode(e, 'RATE_LIMITED')).toBe(true);
    if (!hasCode(e, 'RATE_LIMITED')) return;
    expectTypeOf(e.data.retryAfter).toEqualTypeOf<string | undefined>();
    expectTypeOf(e.data.registry).toEqualTypeOf<string>();
    expect([e.data.registry, e.data.status, e.data.retryAfter, e.permanent]).toEqual([
      'r.example',
      429,
      '30',
      false,
    ]);
    expect(e.hint).toBe(hintFor('RATE_LIMITED'));
  });

  it('adds the hint to diagnostics for --json, keeping one a diagnostic already has', () => {
    const d = {
      file: 'a.yaml',
      line: 1,
      column: 1,
      code: 'DUPLICATE_TAG' as const,
      severity: 'error' as const,
    };
    const out = withHints([
      { ...d, message: 'm' },
      { ...d, message: 'n', hint: 'Own.' },
    ]);
    expect(out.map((x) => x.hint)).toEqual([hintFor('DUPLICATE_TAG'), 'Own.']);
  });

  it('gives a publish skip its code and hint', () => {
    expect(publishSkipReason({ mode: 'none', github: false })).toEqual({
      code: 'MODE_NONE',
      reason: expect.any(String),
      hint: hintFor('MODE_NONE'),
    });
  });
});
