// `imagestreams verify`: a CI check that fails when a consumer governed by a trigger is not at its locked digest.

import { isUsageDiagnostic } from '../../app/project.js';
import { findingDiagnostic, verifyJson, verifyProject } from '../../app/verify.js';
import { toDiagnostic } from '../../consumers/index.js';
import { formatFinding } from '../../consumers/verify.js';
import { type Command, usageError } from '../command.js';
import { EXIT } from '../io.js';
import {
  actionsAnnotation,
  loadFromArgs,
  PROJECT_OPTIONS,
  PROJECT_OPTIONS_HELP,
  plural,
  printDiagnostics,
} from './project.js';

const HELP = `Usage: imagestreams verify [options]

Check every consumer in the repository (workloads with the image.openshift.io/triggers annotation,
DeploymentConfig and opted-in BuildConfig triggers, "# imagestream:" markers) against the lock: each must be
at the pull spec its stream tag is locked to, and each split field ("# imagestream: app:1:digest", also :repository,
:tag) at its part of it. Meant as a required check on pull requests. See docs/triggers.md.

Options:
${PROJECT_OPTIONS_HELP}

Output (one line per problem; inside GitHub Actions also an annotation on the line):
  deploy/web.yaml:19: Deployment/web container "web" is at python:3.12, lock says quay.io/…@sha256:… (run imagestreams reconcile)

Exit codes: 0 every consumer is at its locked digest; 1 a consumer differs, follows an unlocked tag, or a
trigger, marker or lock file is malformed; 2 bad usage (unknown option, --config file not found).
`;

/** The verify command (see HELP). */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Fail when a consumer (workload, Dockerfile, compose file…) is not at its locked digest',
  help: HELP,
  options: PROJECT_OPTIONS,
  async run(args, io) {
    if (args.positionals.length > 0) {
      return usageError(io, 'verify', `unexpected argument "${args.positionals[0]}"`);
    }
    const project = await loadFromArgs(args, io);
    const usage = project.diagnostics.filter(isUsageDiagnostic);
    if (usage.length > 0) {
      printDiagnostics(usage, io, io.stderr);
      return EXIT.USAGE;
    }
    const r = await verifyProject(project);
    const { ok, findings, errors, all } = r;
    if (args.values.json) {
      io.stdout(`${JSON.stringify(verifyJson(r), null, 2)}\n`);
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
    const n = r.consumers;
    const problems = [
      findings.length > 0 ? `${findings.length} of ${plural(n, 'consumer')} not at the locked digest` : '',
      errors.length > 0 ? plural(errors.length, 'invalid trigger, marker or lock') : '',
    ].filter(Boolean);
    io.stderr(`verify: ${ok ? `${plural(n, 'consumer')} at their locked digests` : problems.join(', ')}\n`);
    return ok ? EXIT.OK : EXIT.FAILURE;
  },
};
