// The verify use case: every consumer governed by a trigger or marker, checked against the lock of the tag it
// follows. Findings and malformed consumers come back typed; the entry points print or annotate them.

import * as nodeFs from 'node:fs/promises';
import {
  type ConsumerDiagnostic,
  type FindResult,
  findConsumers,
  localLookupOf,
} from '../consumers/index.js';
import { lockLookup, readLocks } from '../consumers/lock-lookup.js';
import { formatFinding, type VerifyFinding, verifyConsumers } from '../consumers/verify.js';
import type { LoadedProject } from '../loader/load.js';
import { type Diagnostic, withHints } from '../model/diagnostic.js';
import type { StreamLike } from '../policy/tag-spec.js';
import { visitProject } from './walk-project.js';

export interface VerifyResult {
  ok: boolean;
  consumers: number;
  findings: VerifyFinding[];
  /** Malformed triggers, markers or locks (these fail the check). */
  errors: ConsumerDiagnostic[];
  /** Triggers the cluster will not honour (reported, never failing). */
  warnings: ConsumerDiagnostic[];
  /** errors and warnings in the order they were found. */
  all: ConsumerDiagnostic[];
}

/** Verify the consumers of a loaded project (its usage diagnostics are the caller's to check first). */
export async function verifyProject(project: LoadedProject): Promise<VerifyResult> {
  const { config, root } = project;
  const streams = new Map<string, StreamLike>(
    project.streams.map((s) => [`${s.namespace}/${s.name}`, s.object]),
  );
  const lookup = localLookupOf(streams);
  // Each file's consumers as the walk reads it (its text and parse tree dropped after), back in path order.
  const perFile: FindResult[] = [];
  await visitProject(project, lookup.needles, (file, index) => {
    perFile[index] = findConsumers([file], { defaultNamespace: config.namespace, lookup });
  });
  const found: FindResult = {
    consumers: perFile.flatMap((f) => f?.consumers ?? []),
    errors: perFile.flatMap((f) => f?.errors ?? []),
  };
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
  const errors = all.filter((e) => e.severity !== 'warning');
  const warnings = all.filter((e) => e.severity === 'warning');
  const ok = findings.length === 0 && errors.length === 0;
  return { ok, consumers: found.consumers.length, findings, errors, warnings, all };
}

/** The `--json` form (also the Action's `result.verify`). */
export function verifyJson(r: VerifyResult): Record<string, unknown> {
  return {
    ok: r.ok,
    consumers: r.consumers,
    findings: r.findings,
    errors: withHints(r.errors),
    ...(r.warnings.length ? { warnings: withHints(r.warnings) } : {}),
  };
}

/** A finding as a diagnostic on its line (for annotations). */
export function findingDiagnostic(f: VerifyFinding): Diagnostic {
  return {
    file: f.file,
    line: f.line,
    column: 1,
    code: f.status === 'drift' ? 'CONSUMER_DRIFT' : 'CONSUMER_UNLOCKED',
    severity: 'error',
    message: formatFinding(f).slice(`${f.file}:${f.line}: `.length),
  };
}
