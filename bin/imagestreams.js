#!/usr/bin/env node
// The published entry: runs the compiled CLI (npm install builds it through `prepare`).
import { main } from '../build/entry/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`imagestreams: internal error: ${err?.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
