import { describe, expect, it } from 'vitest';
import { parseDeclarations } from '../../src/loader/declarations.js';
import { validateStreams } from '../../src/policy/validate.js';
import { listedDisagreements, loadVectors, VectorLedger } from './compat.js';

interface Case {
  name: string;
  object: unknown;
  errors: string[];
}
const v = loadVectors<{ validateImageStream: { cases: Case[] } }>('openshift-apiserver-validation.json');

describe('openshift-apiserver ImageStream validation vectors', () => {
  it('every case is judged valid or invalid as OpenShift judges it, or the difference is listed', () => {
    const ledger = new VectorLedger('openshift-apiserver-validation');
    for (const c of v.validateImageStream.cases) {
      const parsed = parseDeclarations('case.json', JSON.stringify(c.object), {
        defaultNamespace: 'default',
      });
      const diags = [...parsed.diagnostics, ...validateStreams(parsed.streams, {})];
      const errors = diags.filter((d) => d.severity === 'error');
      const want = c.errors.length > 0;
      ledger.check(
        'validateImageStream',
        c.name,
        errors.length > 0 === want,
        want
          ? `accepted here; upstream errors on ${c.errors.join(', ')}`
          : `refused here: ${errors[0]?.message}`,
      );
    }
    expect(ledger.problems(listedDisagreements())).toEqual({ unlisted: [], stale: [] });
  });
});
