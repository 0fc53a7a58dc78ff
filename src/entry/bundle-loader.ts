// Loads the CLI bundle (build/cli/, scripts/lib/cli-bundle.js) with V8's code cache. Each bundle file is a
// CommonJS module; beside it, `<file>.code-cache` holds what V8 compiled when the build loaded it (its top level
// and the functions that ran there), made by the Node that built it. Compiling from that skips parsing and the
// first compile: reconcile's start-up files load in about 15 ms instead of 30 (Node 20, 2-core machine; issue #17).
// V8 checks each cache's header against its own version, its flags and the source's length, and the payload's
// size, and rejects a cache that does not match (a stale or truncated one, another Node's); the file is then
// compiled from its source, as Node itself would. The bundle holds no import() (the build turns them into
// require), so a file loads only through here or through Node's own require.
//
// A cache is code: it is read from the bundle's directory only (the tool's own files, never the user's) and
// written only by the build (`produce`).

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { Script } from 'node:vm';

/** The code cache kept beside a bundle file. */
export const codeCachePath = (file: string): string => `${file}.code-cache`;

interface LoadedModule {
  exports: Record<string, unknown>;
}

/** What a loader did, for tests: the files it compiled and those whose cache V8 accepted. */
export interface BundleLoader {
  load(file: string): Record<string, unknown>;
  readonly compiled: string[];
  readonly accepted: string[];
}

// Node's own module wrapper (`module.wrap`), so stack traces and `arguments` read as they would under require.
const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const WRAP_TAIL = '\n});';

/**
 * A loader for the bundle's files. Relative requires resolve beside the requiring file and load through the
 * loader; anything else (Node's built-in modules) goes to Node's require. With `produce`, each file's code cache
 * is written once its top level has run (the build does this, in a process of its own).
 */
export function bundleLoader({ produce = false }: { produce?: boolean } = {}): BundleLoader {
  const modules = new Map<string, LoadedModule>();
  const compiled: string[] = [];
  const accepted: string[] = [];

  function load(file: string): Record<string, unknown> {
    const known = modules.get(file);
    if (known) return known.exports;
    const source = readFileSync(file, 'utf8');
    let cachedData: Buffer | undefined;
    if (!produce) {
      try {
        cachedData = readFileSync(codeCachePath(file));
      } catch {
        cachedData = undefined; // no cache (a build without one, or removed): compile from source
      }
    }
    const script = new Script(WRAP_HEAD + source + WRAP_TAIL, { filename: file, cachedData });
    compiled.push(file);
    if (cachedData && !script.cachedDataRejected) accepted.push(file);
    const wrapper = script.runInThisContext() as (
      exports: unknown,
      require: (id: string) => unknown,
      module: LoadedModule,
      filename: string,
      dirname: string,
    ) => void;
    const module: LoadedModule = { exports: {} };
    modules.set(file, module);
    const dir = dirname(file);
    let nodeRequire: NodeJS.Require | undefined; // made on a file's first built-in module: most require none
    const require = (id: string) => {
      if (id.startsWith('.')) return load(resolve(dir, id));
      nodeRequire ??= createRequire(file);
      return nodeRequire(id);
    };
    try {
      wrapper.call(module.exports, module.exports, require, module, file, dir);
    } catch (e) {
      modules.delete(file); // as Node's require: a module whose top level threw is loaded afresh next time
      throw e;
    }
    if (produce) writeFileSync(codeCachePath(file), script.createCachedData());
    return module.exports;
  }

  return { load, compiled, accepted };
}
