#!/usr/bin/env node
// Writes src/loader/validators.generated.ts: the JSON Schemas' validators as ajv standalone code, so no run
// compiles a schema (or loads ajv's compiler). `npm run build` runs it first; `--check` exits 1 when the file is
// not what the schemas generate (without writing).
//
// Usage: node scripts/build-validators.mjs [--check]

import { readFileSync, writeFileSync } from 'node:fs';
import { GENERATED_PATH, generateValidators } from './lib/validators.js';

const code = generateValidators();
let current = '';
try {
  current = readFileSync(GENERATED_PATH, 'utf8');
} catch {}
if (process.argv.includes('--check')) {
  if (current !== code) {
    process.stderr.write(`${GENERATED_PATH} is stale: run \`npm run build\` and commit it\n`);
    process.exit(1);
  }
} else if (current !== code) {
  writeFileSync(GENERATED_PATH, code);
  process.stdout.write(`wrote ${GENERATED_PATH}\n`);
}
