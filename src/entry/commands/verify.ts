// `imagestreams verify`: a CI check that fails when a consumer governed by a trigger is not at its locked digest,
// and with `--registry` also when a locked digest is not in the repository its tag declares.

import { isUsageDiagnostic } from '../../app/project.js';
import { findingDiagnostic, type VerifyResult, verifyJson, verifyProject } from '../../app/verify.js';
import { type RegistryVerifyResult, registryJson, verifyRegistry } from '../../app/verify-registry.js';
import { toDiagnostic } from '../../consumers/index.js';
import { formatFinding } from '../../consumers/verify.js';
import { formatDiagnostic } from '../../model/diagnostic.js';
import { hintFor } from '../../model/error-codes.js';
import { parseDuration } from '../../util/duration.js';
import { type Command, usageError } from '../command.js';
import { type CommandIO, EXIT } from '../io.js';
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
      --registry      Also check that every locked digest (image, index, each platform) exists in the
                      repository its tag declares, and for referencePolicy: Local in localRegistry: one HEAD per
                      digest, asked of the registry itself (never a mirror), only registries in
                      allowedRegistries. A registry that cannot answer (429, timeout, 5xx, credentials) fails
                      the check as LOCKED_DIGEST_UNVERIFIED. See docs/triggers.md#verify---registry.
      --anonymous     With --registry: use no registry credentials (what a fork's pull request gets)
      --deadline DURATION
                      With --registry: stop asking registries after this long ("2m"; default the config's
                      deadline, else 5m); what was not asked is unverified
${PROJECT_OPTIONS_HELP}

Output (one line per problem; inside GitHub Actions also an annotation on the line):
  deploy/web.yaml:19: Deployment/web container "web" is at python:3.12, lock says quay.io/…@sha256:… (run imagestreams reconcile)
  imagestreams.lock/default/web.json:14:22: default/web:1: the locked image sha256:… does not exist in quay.io/org/web (the registry answered 404)
    fix: …

Exit codes: 0 every consumer is at its locked digest (and, with --registry, every locked digest was found);
1 a consumer differs, follows an unlocked tag, a trigger, marker or lock file is malformed, or (--registry) a
locked digest is unknown, names another repository or a registry not allowed, or could not be verified;
2 bad usage (unknown option, --config file not found, a bad --deadline).
`;

/** The verify command (see HELP). */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Fail when a consumer (workload, Dockerfile, compose file…) is not at its locked digest',
  help: HELP,
  options: {
    ...PROJECT_OPTIONS,
    registry: { type: 'boolean' },
    anonymous: { type: 'boolean' },
    deadline: { type: 'string' },
  },
  async run(args, io) {
    if (args.positionals.length > 0) {
      return usageError(io, 'verify', `unexpected argument "${args.positionals[0]}"`);
    }
    const deadlineText = args.values.deadline;
    const deadlineMs = typeof deadlineText === 'string' ? parseDuration(deadlineText) : undefined;
    if (deadlineText !== undefined && !deadlineMs) {
      return usageError(
        io,
        'verify',
        `--deadline must be a duration such as 2m or 1h, not "${deadlineText}"`,
      );
    }
    if (!args.values.registry && (args.values.anonymous || deadlineText !== undefined)) {
      return usageError(io, 'verify', '--anonymous and --deadline apply to --registry only');
    }
    const project = await loadFromArgs(args, io);
    const usage = project.diagnostics.filter(isUsageDiagnostic);
    if (usage.length > 0) {
      printDiagnostics(usage, io, io.stderr);
      return EXIT.USAGE;
    }
    const r = await verifyProject(project);
    const reg = args.values.registry
      ? await verifyRegistry(project, {
          env: io.env,
          logger: io.logger,
          anonymous: Boolean(args.values.anonymous),
          ...(deadlineMs ? { deadlineMs } : {}),
        })
      : undefined;
    const ok = r.ok && (reg?.ok ?? true);
    if (args.values.json) {
      const registry = reg ? { registry: registryJson(reg) } : {};
      io.stdout(`${JSON.stringify({ ...verifyJson(r), ok, ...registry }, null, 2)}\n`);
      return ok ? EXIT.OK : EXIT.FAILURE;
    }
    printConsumers(r, io);
    if (reg) printRegistry(reg, io);
    return ok ? EXIT.OK : EXIT.FAILURE;
  },
};

function printConsumers(r: VerifyResult, io: CommandIO): void {
  const { ok, findings, errors, all } = r;
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
}

function printRegistry(r: RegistryVerifyResult, io: CommandIO): void {
  for (const f of r.findings) {
    io.stdout(`${formatDiagnostic(f)}\n`);
    if (f.severity === 'error') io.stdout(`  fix: ${hintFor(f.code)}\n`);
    if (io.env.GITHUB_ACTIONS === 'true') io.stdout(actionsAnnotation(f));
  }
  const errors = r.findings.filter((f) => f.severity === 'error');
  const how = r.anonymous ? ', anonymously' : '';
  io.stderr(
    `verify --registry: ${r.verified} of ${plural(r.digests, 'locked digest')} found in their repositories${how}` +
      `${r.unverified ? `, ${r.unverified} could not be verified` : ''}` +
      `${errors.length ? `, ${plural(errors.length, 'problem')}` : ''} (${plural(r.requests, 'request')})\n`,
  );
}
