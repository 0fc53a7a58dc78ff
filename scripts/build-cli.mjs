#!/usr/bin/env node
// Builds the CLI bundle bin/imagestreams.js runs, build/cli/ (see scripts/lib/cli-bundle.js). `npm run build` runs
// it after tsc, and so do `npm test` and `prepare` (npm install).
//
// Usage: node scripts/build-cli.mjs [--outdir DIR]   (default: build/cli/)

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCli, CLI_OUTDIR } from './lib/cli-bundle.js';

const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const outdir = values.outdir ? resolve(values.outdir) : CLI_OUTDIR;
const result = await buildCli(outdir);
if (result.errors.length > 0) process.exit(1);
process.stdout.write(`built ${outdir}/cli.js\n`);
