// docs/error-codes.md is the catalogue rendered: the page and src/model/error-codes.ts never drift apart.
// After changing the catalogue, regenerate the page: UPDATE_DOCS=1 npx vitest run test/docs/error-codes.test.ts

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, hintFor } from '../../src/model/error-codes.js';
import { renderErrorCodesDoc } from '../../src/render/error-codes-doc.js';

const DOC = join(import.meta.dirname, '..', '..', 'docs', 'error-codes.md');

describe('docs/error-codes.md', () => {
  it('is the catalogue rendered (regenerate with UPDATE_DOCS=1)', () => {
    const want = renderErrorCodesDoc();
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, want);
    expect(readFileSync(DOC, 'utf8')).toBe(want);
  });

  it('lists every code with its hint', () => {
    const doc = readFileSync(DOC, 'utf8');
    for (const c of ERROR_CODES) expect(doc).toContain(`| \`${c}\` |`);
    for (const c of ERROR_CODES) expect(doc).toContain(hintFor(c).replace(/\|/g, '\\|'));
  });
});
