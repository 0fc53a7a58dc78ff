#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.js in name order; each prints its own figures.
// Benchmarks import the compiled code from build/ and spawn the CLI bundle build/cli/ (`npm run build`; this script
// does it). `npm run bench -- 03` runs only the files whose name contains 03.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
execFileSync('npm', ['run', '--silent', 'build'], { cwd: join(here, '..'), stdio: 'inherit' });
// The figures are this Node's: start-up, heap sizing and memory differ between majors (issue #17's notes).
const engines = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')).engines?.node ?? '';
const oldest = Number(/(\d+)/.exec(engines)?.[1] ?? 0);
const major = Number(process.versions.node.split('.')[0]);
process.stdout.write(
  `Node ${process.version}${major < oldest ? ` (below the supported range, engines ${engines}: its figures are not the product's)` : ''}\n`,
);
const only = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js') && (!only || f.includes(only)))
  .sort();
for (const f of files) {
  process.stdout.write(`\n## ${f.replace(/\.bench\.js$/, '')}\n`);
  execFileSync(process.execPath, ['--expose-gc', join(here, f)], { stdio: 'inherit' });
}
