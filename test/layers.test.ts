// Imports point inward: the pure core (model, policy, plan, render) imports no I/O and nothing outside the core; no
// adapter or core module imports an entry point (entry/, daemon/), which are the only places that read argv, env
// or Action inputs; the use cases (app/) import no entry point, and only entry points import them. Read from the
// sources' import lines, so a new upward import fails here with its file.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** `src`-relative folder of every module a file imports (external packages as their names). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)].map(([, spec]) =>
    spec!.startsWith('.') ? relative(SRC, resolve(dirname(file), spec!)) : packageName(spec!),
  );
}

/** A package's name from a specifier that may name a file inside it (`semver/functions/parse.js` → `semver`). */
function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const all = files(SRC).map((f) => ({ file: relative(SRC, f), imports: imports(f) }));
const top = (p: string) => p.split('/')[0]!;
/** The pure core: folders, plus the config's types and defaults (its loader, config/load.ts, is an edge). */
const CORE = new Set(['model', 'policy', 'plan', 'render', 'edit', 'util']);
const CORE_FILES = new Set(['config/config.ts']);
const inCore = (p: string) => CORE.has(top(p)) || CORE_FILES.has(p.replace(/\.js$/, '.ts'));
const ENTRY = new Set(['entry', 'daemon']);
const APP = 'app';

describe('layers', () => {
  it.each(all.filter((f) => CORE.has(top(f.file))))(
    'core %s imports only the core and pure packages',
    (f) => {
      for (const spec of f.imports) {
        if (spec.startsWith('node:') || ['isomorphic-git', 'octokit', 'execa'].includes(spec)) {
          throw new Error(`${f.file} imports ${spec}: the core does no I/O; pass it in from an edge`);
        }
        if (!spec.includes('/') || spec.startsWith('@')) continue; // packages such as yaml, semver
        expect(inCore(spec), `${f.file} imports ${spec}`).toBe(true);
      }
    },
  );
  const inner = all.filter((f) => !ENTRY.has(top(f.file))).map((f) => [f.file, f] as const);
  it.each(inner)('%s imports no entry point', (_, f) => {
    for (const spec of f.imports) {
      expect(ENTRY.has(top(spec)) && !spec.startsWith('@'), `${f.file} imports ${spec}`).toBe(false);
    }
  });
  const belowApp = inner.filter(([file]) => top(file) !== APP);
  it.each(belowApp)('%s imports no use case (app/)', (_, f) => {
    for (const spec of f.imports) {
      expect(top(spec) === APP && !spec.startsWith('@'), `${f.file} imports ${spec}`).toBe(false);
    }
  });
  const daemon = all.filter((f) => top(f.file) === 'daemon').map((f) => [f.file, f] as const);
  it.each(daemon)('%s imports app/, never entry/', (_, f) => {
    expect(f.imports.filter((s) => top(s) === 'entry')).toEqual([]);
  });
  it('the use-case layer exists and its files import no entry point', () => {
    const app = all.filter((f) => top(f.file) === APP);
    expect(app.length).toBeGreaterThan(0);
    for (const f of app)
      expect(
        f.imports.filter((s) => ENTRY.has(top(s))),
        f.file,
      ).toEqual([]);
  });
});
