#!/usr/bin/env node
// The published entry: runs the CLI bundle build/cli/ (`npm run build`; npm install builds it through `prepare`).
import { mkdirSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

enableCompileCache();
const { boundHeapGrowth, hideBundledDeprecations, main } = await import('../build/cli/cli.js');
const { guardOutput } = await import('../build/cli/workflow-commands.js');

hideBundledDeprecations();
boundHeapGrowth();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // Even a crash's message may carry registry text: inside Actions it must not start a workflow command.
    const write = guardOutput((t) => process.stderr.write(t), process.env.GITHUB_ACTIONS === 'true');
    write(`imagestreams: internal error: ${err?.stack ?? err}\n`);
    process.exitCode = 1;
  },
);

/**
 * V8's compile cache for the bundle (Node ≥ 22.1; older Node has no enableCompileCache and runs without): later
 * runs skip compiling it, about a tenth of the start-up CPU. The cache lives in the OS temp directory, never the
 * repository. NODE_COMPILE_CACHE (Node's own) wins; NODE_DISABLE_COMPILE_CACHE=1 turns it off. The folder is made
 * here, one level, without `recursive` (Node's recursive mkdir can spin on some paths, e.g. under /proc): where it
 * cannot be made (read-only or missing temp directory) the run goes on without a cache, silently.
 */
function enableCompileCache() {
  if (typeof module.enableCompileCache !== 'function' || process.env.NODE_COMPILE_CACHE) return;
  try {
    const dir = join(tmpdir(), 'imagestreams-compile-cache');
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
      if (e?.code !== 'EEXIST') return;
    }
    module.enableCompileCache(dir);
  } catch {}
}
