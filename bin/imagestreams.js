#!/usr/bin/env node
// The published entry: runs the CLI bundle build/cli/ (`npm run build`; npm install builds it through `prepare`).
import { boundHeapGrowth, hideBundledDeprecations, main } from '../build/cli/cli.js';
import { guardOutput } from '../build/cli/workflow-commands.js';

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
    const write = guardOutput((t) => process.stderr.write(t), process.env.GITHUB_ACTIONS === 'true');
    write(`imagestreams: internal error: ${err?.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
