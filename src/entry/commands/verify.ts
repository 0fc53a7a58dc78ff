// `imagestreams verify`: a CI check that fails when a consumer governed by a trigger is not at its locked digest.

import * as nodeFs from 'node:fs/promises';
import { findConsumers, localLookupOf, toDiagnostic } from '../../consumers/index.js';
import { lockLookup, readLocks } from '../../consumers/lock-lookup.js';
import { formatFinding, type VerifyFinding, verifyConsumers } from '../../consumers/verify.js';
import { walkRepository } from '../../consumers/walk.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import type { StreamLike } from '../../policy/tag-spec.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import {
  actionsAnnotation,
  isUsageDiagnostic,
  loadFromArgs,
  PROJECT_OPTIONS,
  PROJECT_OPTIONS_HELP,
  plural,
  printDiagnostics,
} from './project.js';

const HELP = `Usage: imagestreams verify [options]

Check every consumer in the repository (workloads with the image.openshift.io/triggers annotation,
DeploymentConfig and opted-in BuildConfig triggers, "# imagestream:" markers) against the lock: each must be
at the pull spec its stream tag is locked to. Meant as a required check on pull requests. See docs/triggers.md.

Options:
${PROJECT_OPTIONS_HELP}

Output (one line per problem; inside GitHub Actions also an annotation on the line):
  deploy/web.yaml:19: Deployment/web container "web" is at python:3.12, lock says quay.io/…@sha256:… (run imagestreams reconcile)

Exit codes: 0 every consumer is at its locked digest; 1 a consumer differs, follows an unlocked tag, or a
trigger, marker or lock file is malformed; 2 bad usage (unknown option, --config file not found).
`;

function findingDiagnostic(f: VerifyFinding): Diagnostic {
  const message = formatFinding(f).slice(`${f.file}:${f.line}: `.length);
  return {
    file: f.file,
    line: f.line,
    column: 1,
    code: `CONSUMER_${f.status.toUpperCase()}`,
    severity: 'error',
    message,
  };
}

/** The verify command (see HELP). */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Fail when a consumer (workload, Dockerfile, compose file…) is not at its locked digest',
  help: HELP,
  options: PROJECT_OPTIONS,
  async run(args, io) {
    if (args.positionals.length > 0) {
      io.stderr(
        `imagestreams verify: unexpected argument "${args.positionals[0]}"\nRun \`imagestreams verify --help\`.\n`,
      );
      return EXIT.USAGE;
    }
    const project = await loadFromArgs(args, io);
    const root = project.root;
    const usage = project.diagnostics.filter(isUsageDiagnostic);
    if (usage.length > 0) {
      printDiagnostics(usage, io, io.stderr);
      return EXIT.USAGE;
    }
    const { config } = project;
    const streams = new Map<string, StreamLike>(
      project.streams.map((s) => [`${s.namespace}/${s.name}`, s.object]),
    );
    const lookup = localLookupOf(streams);
    const walked = await walkRepository({ root, fs: nodeFs, needles: lookup.needles });
    const found = findConsumers(walked.files, { defaultNamespace: config.namespace, lookup });
    const { locks, errors: lockErrors } = await readLocks(
      nodeFs,
      { root, lockDir: config.lockDir },
      found.consumers.map((c) => c.follows),
    );
    const findings = verifyConsumers(
      found.consumers,
      lockLookup(locks, streams, config.localRegistry, config.pinFormat),
    );
    const all = [...found.errors, ...lockErrors];
    // Warnings (a trigger the cluster will not honour) are printed but do not fail the check.
    const errors = all.filter((e) => e.severity !== 'warning');
    const ok = findings.length === 0 && errors.length === 0;
    if (args.values.json) {
      const warnings = all.filter((e) => e.severity === 'warning');
      io.stdout(
        `${JSON.stringify({ ok, consumers: found.consumers.length, findings, errors, ...(warnings.length ? { warnings } : {}) }, null, 2)}\n`,
      );
      return ok ? EXIT.OK : EXIT.FAILURE;
    }
    for (const e of all) {
      const text = e.message.startsWith(`${e.file}:`) ? e.message : `${e.file}:${e.line}: ${e.message}`;
      io.stdout(`${e.severity === 'warning' ? text.replace(/^([^:]+:\d+: )/, '$1warning: ') : text}\n`);
      if (io.env.GITHUB_ACTIONS === 'true') io.stdout(actionsAnnotation(toDiagnostic(e)));
    }
    for (const f of findings) {
      io.stdout(`${formatFinding(f)}\n`);
      if (io.env.GITHUB_ACTIONS === 'true') io.stdout(actionsAnnotation(findingDiagnostic(f)));
    }
    const n = found.consumers.length;
    const problems = [
      findings.length > 0 ? `${findings.length} of ${plural(n, 'consumer')} not at the locked digest` : '',
      errors.length > 0 ? plural(errors.length, 'invalid trigger, marker or lock') : '',
    ].filter(Boolean);
    io.stderr(`verify: ${ok ? `${plural(n, 'consumer')} at their locked digests` : problems.join(', ')}\n`);
    return ok ? EXIT.OK : EXIT.FAILURE;
  },
};
