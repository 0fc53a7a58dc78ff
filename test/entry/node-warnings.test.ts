// The bundled CLI, daemon and Action hide Node 24's url.parse() deprecation (DEP0169, raised by bundled
// dependencies) so it cannot break the daemon's JSON log lines; every other warning still reaches the process.

import { describe, expect, it } from 'vitest';
import { hideBundledDeprecations } from '../../src/entry/node-warnings.js';

describe('hideBundledDeprecations', () => {
  it('drops DEP0169 only, in both emitWarning forms, and installs once', async () => {
    const seen: string[] = [];
    const listener = (w: Error & { code?: string }) => seen.push(w.code ?? w.message);
    process.on('warning', listener);
    hideBundledDeprecations();
    hideBundledDeprecations();
    process.emitWarning('url.parse', 'DeprecationWarning', 'DEP0169');
    process.emitWarning('url.parse', { type: 'DeprecationWarning', code: 'DEP0169' });
    process.emitWarning('something else', 'DeprecationWarning', 'DEP0999');
    process.emitWarning('plain');
    await new Promise((r) => setImmediate(r));
    process.off('warning', listener);
    expect(seen).toEqual(['DEP0999', 'plain']);
  });
});
