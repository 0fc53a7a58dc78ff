// The CLI bundle bin/imagestreams.js runs (build/cli/, scripts/lib/cli-bundle.js): it is what the sources build to
// (npm test builds it first; run `npm run build` after changing src/ before running tests that spawn the CLI), the
// build is deterministic, and a command loads only its own code at start-up, in a few files: no GitHub client, git,
// subprocess library or schema compiler for the commands that do not use them.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, CLI_OUTDIR, commandModules, ROOT } from '../../scripts/lib/cli-bundle.js';

const run = promisify(execFile);
let temp: string;
let meta: Metafile;

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), 'imagestreams-cli-bundle-'));
  meta = (await buildCli(join(temp, 'cli'), { metafile: true })).metafile!;
}, 120_000);
afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)));
  }
  return out.sort();
}

/** The output files loaded before a command runs: cli.js and the command's bundle, with their static imports. */
function filesLoadedBy(command: string): string[] {
  const outs = meta.outputs;
  const start = Object.keys(outs).filter(
    (k) => k.endsWith('/cli/cli.js') || k.endsWith(`/cli/commands/${command}.js`),
  );
  expect(start, `bundles for ${command}`).toHaveLength(2);
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length) {
    const o = stack.pop()!;
    if (seen.has(o)) continue;
    seen.add(o);
    for (const i of outs[o]!.imports) if (i.kind === 'import-statement' && !i.external) stack.push(i.path);
  }
  return [...seen];
}

/**
 * Load a bundle's cli.js, workflow-commands.js and a command through the loader (src/entry/bundle-loader.ts) in a
 * Node process of its own, run `main(args)` there, and say what was compiled and what V8 took from the caches.
 */
async function loadInChild(
  dir: string,
  command: string,
  args: string[],
  cwd = ROOT,
  nodeFlags: string[] = [],
): Promise<{ compiled: number; accepted: number; code: number; stdout: string }> {
  const script = `const { bundleLoader } = await import(${JSON.stringify(join(ROOT, 'build', 'entry', 'bundle-loader.js'))});
const loader = bundleLoader();
const { main } = loader.load(${JSON.stringify(join(dir, 'cli.js'))});
loader.load(${JSON.stringify(join(dir, 'workflow-commands.js'))});
loader.load(${JSON.stringify(join(dir, 'commands', `${command}.js`))});
const code = await main(${JSON.stringify(args)});
process.stderr.write(JSON.stringify({ compiled: loader.compiled.length, accepted: loader.accepted.length, code }));`;
  const { stdout, stderr } = await run(
    process.execPath,
    [...nodeFlags, '--input-type=module', '-e', script],
    {
      cwd,
    },
  );
  return { ...JSON.parse(stderr.slice(stderr.lastIndexOf('{'))), stdout };
}

/** Every input module loaded before a command runs. */
function loadedBy(command: string): string[] {
  return filesLoadedBy(command).flatMap((o) => Object.keys(meta.outputs[o]!.inputs));
}

describe('the CLI bundle', () => {
  it('build/cli/ is what the sources build to, byte for byte (run `npm run build`)', async () => {
    const fresh = join(temp, 'cli');
    expect(await files(CLI_OUTDIR)).toEqual(await files(fresh));
    // V8's code caches differ from one build to the next; the test below checks that they are accepted.
    for (const f of (await files(fresh)).filter((x) => !x.endsWith('.code-cache'))) {
      const [a, b] = await Promise.all([readFile(join(CLI_OUTDIR, f)), readFile(join(fresh, f))]);
      expect(a.equals(b), `build/cli/${f} differs: run \`npm run build\``).toBe(true);
    }
  });

  it.each(['validate', 'get', 'describe', 'verify', 'resolve', 'reconcile', 'import', 'tag', 'rollback'])(
    '%s loads no GitHub client, git, execa or schema compiler at start-up',
    (command) => {
      const heavy = loadedBy(command).filter((i) =>
        /node_modules\/(octokit|@octokit|isomorphic-git|execa|ajv\/dist\/(core|compile|vocabularies))\b/.test(
          i,
        ),
      );
      expect(heavy).toEqual([]);
    },
  );

  it('every command of the table has its own bundle', () => {
    expect(commandModules()).toContain('reconcile');
    for (const c of commandModules()) expect(filesLoadedBy(c).length, c).toBeGreaterThan(1);
  });

  // Each file Node loads costs loader time on top of its bytes (about 0.35 ms): reconcile used to load 33.
  it('reconcile loads at most 10 files at start-up', () => {
    expect(filesLoadedBy('reconcile').length).toBeLessThanOrEqual(10);
  });

  // node:http and node:tls cost about 3 ms each to load: a run whose registries answer over plain HTTP without an
  // error needs neither (the transport is our own over node:net; TLS and reason phrases load when first needed).
  it('reconcile and verify load neither node:http nor node:tls at start-up', () => {
    for (const command of ['reconcile', 'verify']) {
      const builtins = filesLoadedBy(command).flatMap((o) =>
        meta.outputs[o]!.imports.filter((i) => i.external && i.kind === 'import-statement').map(
          (i) => i.path,
        ),
      );
      expect(builtins, command).toContain('node:net');
      expect(
        builtins.filter((b) => /^node:(http|https|tls)$/.test(b)),
        command,
      ).toEqual([]);
    }
  });

  it('every start-up file has a code cache, which the Node that built it accepts', async () => {
    const caches = (await files(CLI_OUTDIR)).filter((f) => f.endsWith('.code-cache'));
    for (const c of ['cli', 'workflow-commands', ...commandModules().map((n) => `commands/${n}`)]) {
      expect(caches).toContain(`${c}.js.code-cache`);
    }
    const loaded = await loadInChild(CLI_OUTDIR, 'reconcile', ['--version']);
    expect(loaded.compiled).toBe(filesLoadedBy('reconcile').length + 1); // and workflow-commands.js
    expect(loaded.accepted).toBe(loaded.compiled);
    expect(loaded.code).toBe(0);
  });

  // V8 rejects a cache from another Node or of other flags, and checks what it reads: the file is then compiled
  // from its source, and the command runs as it would without a cache.
  it('a stale, corrupt or missing code cache falls back to compiling the source', async () => {
    const dir = join(temp, 'cli');
    await writeFile(join(dir, 'cli.js.code-cache'), randomBytes(4096));
    const validateCache = join(dir, 'commands', 'validate.js.code-cache');
    await writeFile(validateCache, (await readFile(validateCache)).subarray(0, 100));
    await rm(join(dir, 'workflow-commands.js.code-cache'));
    const loaded = await loadInChild(dir, 'validate', ['validate'], join(ROOT, 'examples', 'basic'));
    expect(loaded.compiled).toBe(filesLoadedBy('validate').length + 1);
    expect(loaded.accepted).toBe(loaded.compiled - 3);
    expect(loaded.code).toBe(0);
    expect(loaded.stdout).toMatch(/valid/);

    // A cache made under other V8 flags is rejected as well (only flags that change what V8 compiles count, and
    // which those are differs between V8 versions: --jitless counts in Node 20, 22 and 24).
    const flagged = await loadInChild(CLI_OUTDIR, 'reconcile', ['--version'], ROOT, ['--jitless']);
    expect(flagged.accepted).toBe(0);
    expect(flagged.code).toBe(0);
  });

  // The crash handler loads workflow-commands.js only when it runs: a crash inside Actions still cannot start a
  // workflow command with text from its message (which may carry a registry's words).
  it('bin/imagestreams.js reports a crash, exit 1, without starting a workflow command inside Actions', async () => {
    const preload = join(temp, 'crash-stdout.mjs');
    await writeFile(
      preload,
      "process.stdout.write = () => { throw new Error('boom\\n::error::injected'); };\n",
    );
    const bin = join(ROOT, 'bin', 'imagestreams.js');
    const failed = await run(process.execPath, ['--import', preload, bin, '--version'], {
      env: { ...process.env, GITHUB_ACTIONS: 'true' },
    }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/^imagestreams: internal error: Error: boom$/m);
    expect(failed?.stderr).toContain('injected');
    expect(failed?.stderr).not.toMatch(/^::/m);
  });

  it('bin/imagestreams.js runs it, and --help loads every command', async () => {
    const bin = join(ROOT, 'bin', 'imagestreams.js');
    const help = await run(process.execPath, [bin, '--help']);
    for (const c of commandModules()) expect(help.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));

    const { stdout } = await run(process.execPath, [bin, 'validate'], {
      cwd: join(ROOT, 'examples', 'basic'),
    });
    expect(stdout).toMatch(/valid/);
  });
});
