// `imagestreams verify`: a CI check that fails when a consumer governed by a trigger is not at its locked digest.

import * as nodeFs from 'node:fs/promises';
import { resolve } from 'node:path';
import { findConsumers } from '../../consumers/index.js';
import { lockLookup, readLocks } from '../../consumers/lock-lookup.js';
import { formatFinding, verifyConsumers } from '../../consumers/verify.js';
import { walkRepository } from '../../consumers/walk.js';
import { loadProject } from '../../loader/load.js';
import type { StreamLike } from '../../policy/tag-spec.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';

const HELP = `Usage: imagestreams verify [--json] [--config FILE]

Check every consumer in the repository (workloads with the image.openshift.io/triggers annotation,
DeploymentConfig and opted-in BuildConfig triggers, "# imagestream:" markers) against the lock: each must be
at the pull spec its stream tag is locked to. Meant as a required check on pull requests.

Options:
  --json          print {ok, consumers, findings, errors} as JSON
  --config FILE   config file (default: .imagestreams.yaml at the repository root, when present)

Output (one line per problem):
  deploy/web.yaml:19: Deployment/web container "web" is at python:3.12, lock says quay.io/…@sha256:… (run imagestreams reconcile)

Exit codes: 0 every consumer is at its locked digest; 1 a consumer differs, follows an unlocked tag, or a
trigger/marker is malformed; 2 bad usage.
`;

/** The verify command (see HELP). */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'fail when a consumer (workload, Dockerfile, compose file…) is not at its locked digest',
  help: HELP,
  options: { json: { type: 'boolean' }, config: { type: 'string' } },
  async run(args, io) {
    if (args.positionals.length > 0) {
      io.stderr(
        `imagestreams verify: unexpected argument "${args.positionals[0]}"\nRun \`imagestreams verify --help\`.\n`,
      );
      return EXIT.USAGE;
    }
    const root = resolve(io.cwd);
    const configPath = typeof args.values.config === 'string' ? args.values.config : undefined;
    const project = await loadProject({ cwd: root, ...(configPath !== undefined ? { configPath } : {}) });
    const { config } = project;
    const walked = await walkRepository({ root, fs: nodeFs });
    const found = findConsumers(walked.files, { defaultNamespace: config.namespace });
    const { locks, errors: lockErrors } = await readLocks(
      nodeFs,
      { root, lockDir: config.lockDir },
      found.consumers.map((c) => c.follows),
    );
    const streams = new Map<string, StreamLike>(
      project.streams.map((s) => [`${s.namespace}/${s.name}`, s.object]),
    );
    const findings = verifyConsumers(found.consumers, lockLookup(locks, streams, config.localRegistry));
    const errors = [...found.errors, ...lockErrors];
    const ok = findings.length === 0 && errors.length === 0;
    if (args.values.json) {
      io.stdout(`${JSON.stringify({ ok, consumers: found.consumers.length, findings, errors }, null, 2)}\n`);
    } else {
      for (const e of errors)
        io.stdout(
          `${e.message.startsWith(`${e.file}:`) ? e.message : `${e.file}:${e.line}: ${e.message}`}\n`,
        );
      for (const f of findings) io.stdout(`${formatFinding(f)}\n`);
      const n = found.consumers.length;
      const plural = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
      const problems = [
        findings.length > 0 ? `${findings.length} of ${plural(n, 'consumer')} not at the locked digest` : '',
        errors.length > 0 ? `${plural(errors.length, 'invalid trigger, marker or lock')}` : '',
      ].filter(Boolean);
      io.stderr(`verify: ${ok ? `${plural(n, 'consumer')} at their locked digests` : problems.join(', ')}\n`);
    }
    return ok ? EXIT.OK : EXIT.FAILURE;
  },
};
