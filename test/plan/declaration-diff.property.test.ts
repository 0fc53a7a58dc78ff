// Which streams a pull request touches (src/plan/declaration-diff.ts): exactly the streams it added or edited, and
// exactly those it removed — never a stream it left alone, whatever the key order or the file it now lives in.
// Invariant 1 of the lock-PR mode rests on this: only the pull request's own declaration changes are imported.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, type DeclaredStream, diffDeclarations } from '../../src/plan/declaration-diff.js';
import { check } from '../helpers/property.js';

/** A declaration-like object: nested records and arrays of small values. */
const objectArb = fc.dictionary(
  fc.constantFrom('spec', 'metadata', 'tags', 'from', 'name', 'annotations'),
  fc.oneof(
    fc.string({ maxLength: 3 }),
    fc.integer({ min: 0, max: 3 }),
    fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 }),
  ),
  { maxKeys: 4 },
);

/** The same object with its keys in reverse order (a formatting-only edit). */
function reordered(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reordered);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .reverse()
        .map(([k, x]) => [k, reordered(x)]),
    );
  }
  return v;
}

type Fate = 'kept' | 'reformatted' | 'edited' | 'removed' | 'moved-out';

describe('diffDeclarations', () => {
  it('reports exactly the added and edited streams as changed and exactly the removed ones as removed', async () => {
    await check(
      fc.property(
        fc.uniqueArray(
          fc.tuple(
            fc.integer({ min: 0, max: 30 }),
            objectArb,
            fc.constantFrom<Fate>('kept', 'reformatted', 'edited', 'removed', 'moved-out'),
          ),
          {
            selector: (t) => t[0],
            maxLength: 12,
          },
        ),
        fc.uniqueArray(fc.integer({ min: 31, max: 40 }), { maxLength: 3 }),
        (streams, added) => {
          const base: DeclaredStream[] = [];
          const head: DeclaredStream[] = [];
          const elsewhere = new Set<string>();
          const want = { changed: [] as string[], removed: [] as string[] };
          for (const [i, object, fate] of streams) {
            const id = `ns/s${i}`;
            base.push({ id, object });
            if (fate === 'kept') head.push({ id, object: structuredClone(object) });
            if (fate === 'reformatted') head.push({ id, object: reordered(object) });
            if (fate === 'edited') {
              head.push({ id, object: { ...object, edited: i } });
              want.changed.push(id);
            }
            if (fate === 'removed') want.removed.push(id);
            // Moved, unchanged, into a file the pull request did not otherwise touch: still declared.
            if (fate === 'moved-out') elsewhere.add(id);
          }
          for (const i of added) {
            head.push({ id: `ns/s${i}`, object: { new: i } });
            want.changed.push(`ns/s${i}`);
          }
          const declared = new Set([...head.map((s) => s.id), ...elsewhere]);
          expect(diffDeclarations(base, head, declared)).toEqual({
            changed: want.changed.sort(),
            removed: want.removed.sort(),
          });
        },
      ),
      200,
    );
  });

  it('canonical JSON ignores key order and undefined fields, not values', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: undefined, z: 'q' }] })).toBe(
      '{"a":[{"y":2,"z":"q"}],"b":1}',
    );
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });
});
