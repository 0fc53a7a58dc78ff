// The plan's registry step (`verify --registry`): every locked digest exists in the repository its tag declares.
// A fork's pull request runs it anonymously: no credential of the environment or the config is used.

import { isUsageDiagnostic, openProject } from '../../app/project.js';
import { registryJson, verifyRegistry } from '../../app/verify-registry.js';
import { formatDiagnostic } from '../../model/diagnostic.js';
import { hintFor } from '../../model/error-codes.js';
import { EXIT } from '../io.js';
import type { ModeRun } from './outcome.js';

/** Runs verify --registry for the plan; findings are logged and annotated, the result goes to `result.verifyRegistry`. */
export async function verifyRegistryStep(m: ModeRun, opts: { anonymous: boolean }): Promise<number> {
  const { io, outcome } = m;
  const project = await openProject(m.cwd, m.inputs.config ? { configPath: m.inputs.config } : {});
  // The verify step already reported unusable input.
  if (project.diagnostics.some(isUsageDiagnostic)) return EXIT.USAGE;
  const r = await verifyRegistry(project, {
    // Anonymous: the environment is not even handed over, so no credential variable can be read.
    env: opts.anonymous ? {} : io.env,
    logger: io.logger,
    anonymous: opts.anonymous,
  });
  for (const f of r.findings) {
    io.stdout(`${formatDiagnostic(f)}\n`);
    if (f.severity === 'error') io.stdout(`  fix: ${hintFor(f.code)}\n`);
  }
  m.annotate(r.findings.map((f) => ({ ...f, message: `${f.message} Fix: ${hintFor(f.code)}` })));
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const line =
    `verify --registry: ${r.verified} of ${r.digests} locked digests found in their repositories` +
    `${r.anonymous ? ' (anonymously: a fork gets no registry credentials)' : ''}` +
    `${r.unverified ? `, ${r.unverified} could not be verified` : ''}${errors ? `, ${errors} problem(s) (see the annotations)` : ''}`;
  io.stdout(`${line}\n`);
  if (r.digests > 0 || r.findings.length > 0) outcome.summary.notes!.push(`${line}.`);
  outcome.result.verifyRegistry = registryJson(r);
  if (!r.ok) m.failures.push(`verify --registry: ${errors} locked digest problem(s)`);
  return r.ok ? EXIT.OK : EXIT.FAILURE;
}
