// The precompiled validators (src/loader/validators.generated.ts, ajv standalone code) are exactly the schemas:
// the file is what scripts/build-validators.mjs generates from schemas/ today, and over every declaration, config
// and lock the repository holds (the examples, the fixtures, the golden trees, the vendored OpenShift library) and
// over generated documents, each compiled validator accepts, rejects and reports the same errors as ajv compiling
// the schemas at run time.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  GENERATED_PATH,
  generateValidators,
  schemaAjv,
  VALIDATOR_REFS,
} from '../../scripts/lib/validators.js';
import { VALIDATORS } from '../../src/loader/validators.generated.js';
import { check } from '../helpers/property.js';

const ROOT = join(import.meta.dirname, '..', '..');
const runtime = schemaAjv();
type Validate = ((d: unknown) => boolean) & { errors?: unknown[] | null };
const compiled = VALIDATORS as unknown as Record<string, Validate>;
const keys = Object.keys(VALIDATOR_REFS) as (keyof typeof VALIDATOR_REFS)[];

/** Both validators' verdicts and errors for one document. */
function both(key: keyof typeof VALIDATOR_REFS, doc: unknown) {
  const rt = runtime.getSchema(VALIDATOR_REFS[key])!;
  const pre = compiled[key]!;
  const a = rt(doc);
  const b = pre(doc);
  return {
    runtime: { valid: a, errors: rt.errors ?? null },
    compiled: { valid: b, errors: pre.errors ?? null },
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !f.includes('github-openapi'));
}

let cached: { where: string; doc: unknown }[] | undefined;

/** Every document in the repository's examples and fixtures that parses as YAML (JSON is YAML). */
function corpus(): { where: string; doc: unknown }[] {
  if (cached) return cached;
  const out: { where: string; doc: unknown }[] = [];
  for (const dir of ['examples', 'test/fixtures', 'test/golden']) {
    for (const f of filesUnder(join(ROOT, dir))) {
      let docs: ReturnType<typeof parseAllDocuments>;
      try {
        docs = parseAllDocuments(readFileSync(f, 'utf8'), { uniqueKeys: false, logLevel: 'error' });
      } catch {
        continue;
      }
      if (!Array.isArray(docs)) continue;
      for (const [i, d] of docs.entries()) {
        if (d.errors.length > 0) continue;
        try {
          out.push({ where: `${relative(ROOT, f)}#${i}`, doc: d.toJS({ maxAliasCount: 100 }) });
        } catch {
          // an alias bomb (test/fixtures/bad): the loader refuses it before any schema sees it
        }
      }
    }
  }
  cached = out;
  return out;
}

describe('precompiled schema validators', () => {
  it('are what scripts/build-validators.mjs generates from schemas/ (run `npm run build` and commit)', () => {
    expect(readFileSync(GENERATED_PATH, 'utf8') === generateValidators(), `${GENERATED_PATH} is stale`).toBe(
      true,
    );
  });

  it('judge every document of the examples, fixtures, golden trees and the OpenShift library as ajv does', () => {
    const docs = corpus();
    expect(docs.length).toBeGreaterThan(500);
    let accepted = 0;
    let rejected = 0;
    for (const { where, doc } of docs) {
      for (const key of keys) {
        const r = both(key, doc);
        // toEqual only when the cheap comparison differs (thousands of deep comparisons are slow).
        if (JSON.stringify(r.compiled) !== JSON.stringify(r.runtime))
          expect(r.compiled, `${key} on ${where}`).toEqual(r.runtime);
        if (r.runtime.valid) accepted++;
        else rejected++;
      }
    }
    // Both outcomes are exercised: the corpus's streams pass, and every document fails the other schemas.
    expect(accepted).toBeGreaterThan(500);
    expect(rejected).toBeGreaterThan(500);
  });

  it('judge generated documents as ajv does (mutations of valid ones and arbitrary JSON)', async () => {
    const valid = corpus()
      .filter(({ doc }) => keys.some((k) => both(k, doc).runtime.valid))
      .map(({ doc }) => doc);
    const json = fc.jsonValue({ maxDepth: 4 });
    // A mutation sets a value somewhere in a valid document: a type error, an unknown field, a bad pattern.
    const mutated = fc
      .tuple(fc.constantFrom(...valid), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), json, fc.string())
      .map(([doc, path, value, name]) => {
        const copy = structuredClone(doc) as Record<string, unknown>;
        let at: Record<string, unknown> = copy;
        for (const step of path) {
          const ks = at && typeof at === 'object' ? Object.keys(at) : [];
          const next = ks.length ? at[ks[step % ks.length]!] : undefined;
          if (!next || typeof next !== 'object') break;
          at = next as Record<string, unknown>;
        }
        if (at && typeof at === 'object') {
          const ks = Object.keys(at);
          at[ks.length && path[0]! % 2 ? ks[path[0]! % ks.length]! : name] = value;
        }
        return copy;
      });
    await check(
      fc.property(fc.oneof(mutated, json), fc.constantFrom(...keys), (doc, key) => {
        const r = both(key, doc);
        expect(r.compiled).toEqual(r.runtime);
      }),
      300,
    );
  });
});
