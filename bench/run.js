#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.js in name order; each prints its own figures.
// Benchmarks import the compiled code from build/ (run `npm run build` first; this script does it).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
execFileSync('npx', ['tsc', '-p', join(here, '..', 'tsconfig.json')], { stdio: 'inherit' });
const only = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js') && (!only || f.includes(only)))
  .sort();
for (const f of files) {
  process.stdout.write(`\n## ${f.replace(/\.bench\.js$/, '')}\n`);
  execFileSync(process.execPath, ['--expose-gc', join(here, f)], { stdio: 'inherit' });
}
