// Every ImageStream example in docs/declaration.md that uses an `imagestreams.dev/` extension passes what
// `validate` checks: the schema and the semantic rules (tag policies included).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeclarations } from '../../src/loader/declarations.js';
import { validateStreams } from '../../src/policy/validate.js';

const DOC = join(import.meta.dirname, '..', '..', 'docs', 'declaration.md');
const examples = [...readFileSync(DOC, 'utf8').matchAll(/^```yaml\n([\s\S]*?)^```/gm)]
  .map((m) => m[1]!)
  .filter((t) => /kind: ImageStream/.test(t) && /imagestreams\.dev\//.test(t));

describe('docs/declaration.md extension examples', () => {
  it('has examples of the extensions', () => {
    expect(examples.length).toBeGreaterThan(0);
  });
  it.each(examples.map((t, i) => [i, t] as const))('example %i validates', (_, text) => {
    const parsed = parseDeclarations('docs/declaration.md', text, { defaultNamespace: 'default' });
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.streams.length).toBeGreaterThan(0);
    expect(validateStreams(parsed.streams, {})).toEqual([]);
  });
});
