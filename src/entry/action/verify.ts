// Mode `verify` (also a step of a plan): every consumer at its locked digest, problems logged and annotated.

import { isUsageDiagnostic, openProject } from '../../app/project.js';
import { findingDiagnostic, verifyJson, verifyProject } from '../../app/verify.js';
import { toDiagnostic } from '../../consumers/index.js';
import { type Diagnostic, formatDiagnostic } from '../../model/diagnostic.js';
import { plural } from '../commands/project.js';
import { EXIT } from '../io.js';
import type { ModeRun } from './outcome.js';

/** The verify mode. */
export async function verifyMode(m: ModeRun): Promise<number> {
  const { io, outcome } = m;
  const project = await openProject(m.cwd, {
    ...(m.inputs.config ? { configPath: m.inputs.config } : {}),
  });
  const usage = project.diagnostics.filter(isUsageDiagnostic);
  if (usage.length > 0) {
    const err = usage.map((d) => `${formatDiagnostic(d)}\n`).join('');
    io.stderr(err);
    m.failures.push(`verify: ${err.trim()}`);
    return EXIT.USAGE;
  }
  const r = await verifyProject(project);
  const diags: Diagnostic[] = [...r.errors.map((e) => toDiagnostic(e)), ...r.findings.map(findingDiagnostic)];
  for (const d of diags) io.stdout(`${formatDiagnostic(d)}\n`);
  io.stdout(`verify: ${plural(r.consumers, 'consumer')}, ${plural(diags.length, 'problem')}\n`);
  m.annotate(diags);
  outcome.summary.verify = {
    consumers: r.consumers,
    findings: diags.map((d) => ({ file: d.file, line: d.line, message: d.message })),
  };
  outcome.result.verify = verifyJson(r);
  if (!r.ok) m.failures.push(`verify: ${diags.length} consumer problem(s)`);
  return r.ok ? EXIT.OK : EXIT.FAILURE;
}
