#!/usr/bin/env node
// The published entry: runs the CLI bundle build/cli/ (`npm run build`; npm install builds it through `prepare`),
// compiled with the code cache the build left beside it (src/entry/bundle-loader.ts).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleLoader } from '../build/entry/bundle-loader.js';

const bundle = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'cli');
const loader = bundleLoader();
const { boundHeapGrowth, hideBundledDeprecations, main } = loader.load(join(bundle, 'cli.js'));

hideBundledDeprecations();
// The heap is bounded once the command's code has loaded: loading it grows the young generation to a few MB,
// which then holds (bounded from the start it stayed at 1 MB: 15 scavenges before the first registry request
// of a 1,000-tag reconcile instead of 8).
main(process.argv.slice(2), undefined, { loaded: boundHeapGrowth }).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // Even a crash's message may carry registry text: inside Actions it must not start a workflow command.
    // (Loaded here: only a crash needs it.)
    const { guardOutput } = loader.load(join(bundle, 'workflow-commands.js'));
    const write = guardOutput((t) => process.stderr.write(t), process.env.GITHUB_ACTIONS === 'true');
    write(`imagestreams: internal error: ${err?.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
