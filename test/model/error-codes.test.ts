// The error catalogue is complete and live: every code in it is raised somewhere in src/ (tsc refuses a code
// raised that is not in it), and every hint is one sentence that says what to do.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, ERROR_CODES, hintFor } from '../../src/model/error-codes.js';
import { ImagestreamsError } from '../../src/model/errors.js';

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
});
