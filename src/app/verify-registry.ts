// `verify --registry`: every locked digest (image, index, each platform) exists in the repository its tag declares,
// asked of that registry itself with one HEAD per digest (deduplicated across tags), under the allowlist, the
// insecure settings, the client's adaptive concurrency and a deadline. A hand-edited lock pinning an arbitrary
// digest fails at its line; a registry that cannot answer (429, timeout, 5xx, credentials) is "could not verify",
// never "verified". With `anonymous` (a fork's pull request) no credential of the environment or config is used.

import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import { registryAllowed } from '../config/config.js';
import { readLocks } from '../consumers/lock-lookup.js';
import type { LoadedProject } from '../loader/load.js';
import { lockPath } from '../loader/lock-file.js';
import { parseSource, positionAt } from '../loader/source.js';
import { compareDiagnostics, type Diagnostic, withHints } from '../model/diagnostic.js';
import { hasCode, ImagestreamsError } from '../model/errors.js';
import type { ImageRef } from '../model/reference.js';
import { type LockSite, planRegistryChecks, type RegistryCheck } from '../plan/registry-checks.js';
import { indexStreams } from '../policy/follow-chain.js';
import { anonymousKeychain } from '../registry/auth/keychain.js';
import { createRegistryClient, type RegistryClientOptions } from '../registry/client.js';
import { registryOptionsFromConfig } from '../registry/from-config.js';
import type { RegistryClient } from '../registry/types.js';
import { sanitizeText } from '../registry/validate.js';
import { parseDuration } from '../util/duration.js';
import type { Logger } from '../util/logger.js';
import { mapLimit } from '../util/map-limit.js';

/** Without `--deadline` or the config's `deadline`, the check stops asking registries after this long. */
export const DEFAULT_REGISTRY_DEADLINE_MS = 5 * 60_000;
/** Checks started at once (each registry's own adaptive bound, 2–16, applies below it); after a 429 only these finish. */
const IN_FLIGHT = 16;

/** Options of verifyRegistry. */
export interface RegistryVerifyOptions {
  env: Record<string, string | undefined>;
  logger: Logger;
  /** Use no credentials at all (a fork's pull request): env, config credentials and auth files are never read. */
  anonymous?: boolean;
  /** Whole-check deadline (default: the config's `deadline`, else DEFAULT_REGISTRY_DEADLINE_MS). */
  deadlineMs?: number;
  /** Aborts when the deadline passes (tests; default a timer of the deadline). */
  deadlineSignal?: AbortSignal;
  /** Client overrides (transport, timeouts, retries) — tests. */
  client?: Partial<RegistryClientOptions>;
}

/** One problem at a lock file's line; `tag`, `digest` and `repository` say what was checked where. */
export interface RegistryFinding extends Diagnostic {
  code:
    | 'LOCKED_DIGEST_UNKNOWN'
    | 'LOCKED_REPOSITORY_MISMATCH'
    | 'LOCKED_SPEC_STALE'
    | 'LOCKED_DIGEST_UNVERIFIED'
    | 'LOCKED_REGISTRY_NOT_ALLOWED'
    | 'INVALID_LOCK'
    | 'LOCK_UNREADABLE'
    | 'PATH_OUTSIDE_REPOSITORY';
  tag?: string;
  digest?: string;
  repository?: string;
}

/** What the check found. `ok` is false on any error finding: unknown, mismatched, unverified or not allowed. */
export interface RegistryVerifyResult {
  ok: boolean;
  anonymous: boolean;
  /** Distinct repository+digest pairs to check, and how many the registries confirmed. */
  digests: number;
  verified: number;
  /** Digests the registries could not be asked about (the run is not green). */
  unverified: number;
  /** Requests sent to registries and token servers. */
  requests: number;
  findings: RegistryFinding[];
}

/** The answer for one check. */
type Outcome =
  | { kind: 'present' }
  | { kind: 'missing'; detail: string }
  | { kind: 'not-allowed' }
  | { kind: 'unverified'; reason: string };

/** Check every locked digest of the project's declared streams against its registry. */
export async function verifyRegistry(
  project: LoadedProject,
  o: RegistryVerifyOptions,
): Promise<RegistryVerifyResult> {
  const { config, root } = project;
  const where = { root, lockDir: config.lockDir };
  const refs = project.streams.map((s) => ({ namespace: s.namespace, stream: s.name }));
  const { locks, errors } = await readLocks(nodeFs, where, refs);
  const plan = planRegistryChecks(project.streams, indexStreams(project.streams), locks, {
    ...(config.importMode ? { defaultImportMode: config.importMode } : {}),
    ...(config.localRegistry ? { localRegistry: config.localRegistry } : {}),
  });
  const client = clientFor(project, o);
  const outcomes = new Map<string, Outcome>();
  try {
    const ask = asker(client, o, deadlineOf(project, o));
    await mapLimit(plan.checks, IN_FLIGHT, async (check) => {
      outcomes.set(
        check.key,
        registryAllowed(config, check.domain) ? await ask(check) : { kind: 'not-allowed' },
      );
    });
  } finally {
    client.close();
  }
  const lines = lineFinder(root, config.lockDir);
  const findings: RegistryFinding[] = errors.map((e) => ({
    file: e.file,
    line: e.line,
    column: 1,
    code: e.code as RegistryFinding['code'],
    severity: 'error',
    message: e.message,
  }));
  for (const p of plan.problems) {
    findings.push(await siteFinding(lines, p.site, p.code, p.severity, `${p.site.tag}: ${p.message}`));
  }
  for (const check of plan.checks) {
    const out = outcomes.get(check.key)!;
    if (out.kind === 'present') continue;
    for (const site of check.sites) findings.push(await outcomeFinding(lines, check, site, out, o));
  }
  findings.sort(compareDiagnostics);
  const values = [...outcomes.values()];
  return {
    ok: !findings.some((f) => f.severity === 'error'),
    anonymous: o.anonymous === true,
    digests: plan.checks.length,
    verified: values.filter((v) => v.kind === 'present').length,
    unverified: values.filter((v) => v.kind === 'unverified').length,
    requests: client.stats().requests,
    findings,
  };
}

/** The `registry` part of `verify --json` (also the Action's `result.verifyRegistry`): findings with hints. */
export function registryJson(r: RegistryVerifyResult): Record<string, unknown> {
  const { findings, ...counts } = r;
  return { ...counts, findings: withHints(findings) };
}

/** The client: the config's keychain, insecure registries and allowlist; anonymous reads no credential at all. */
function clientFor(project: LoadedProject, o: RegistryVerifyOptions): RegistryClient {
  const fromConfig = registryOptionsFromConfig(project.config, o.anonymous ? {} : o.env, o.logger);
  return createRegistryClient({
    ...fromConfig,
    ...(o.anonymous ? { keychain: anonymousKeychain } : {}),
    // What a registry has is asked of the registry: a mirror's copy proves nothing about the origin.
    mirrors: {},
    logger: o.logger,
    ...o.client,
  });
}

function deadlineOf(
  project: LoadedProject,
  o: RegistryVerifyOptions,
): { signal: AbortSignal; seconds: number } {
  const configured = project.config.deadline ? parseDuration(project.config.deadline) : undefined;
  const ms = o.deadlineMs ?? configured ?? DEFAULT_REGISTRY_DEADLINE_MS;
  return { signal: o.deadlineSignal ?? AbortSignal.timeout(ms), seconds: Math.round(ms / 1000) };
}

/** One HEAD per check; after a 429 a registry is not asked again, and past the deadline nothing is asked. */
function asker(
  client: RegistryClient,
  o: RegistryVerifyOptions,
  deadline: { signal: AbortSignal; seconds: number },
): (check: RegistryCheck) => Promise<Outcome> {
  const stopped = new Set<string>();
  const pastDeadline: Outcome = {
    kind: 'unverified',
    reason: `the check's deadline of ${deadline.seconds} s passed before it was asked`,
  };
  const expired = new Promise<Outcome>((resolve) => {
    if (deadline.signal.aborted) resolve(pastDeadline);
    else deadline.signal.addEventListener('abort', () => resolve(pastDeadline), { once: true });
  });
  return async (check) => {
    if (deadline.signal.aborted) return pastDeadline;
    if (stopped.has(check.domain)) {
      return { kind: 'unverified', reason: `skipped: ${check.domain} answered 429 earlier in this check` };
    }
    const [path] = check.repository.slice(check.domain.length + 1).split('@');
    const ref: ImageRef = { domain: check.domain, path: path!, digest: check.digest };
    const asking = client
      .hasManifest(ref, check.digest, check.insecure ? { insecure: true } : {})
      .then(
        (found): Outcome =>
          found ? { kind: 'present' } : { kind: 'missing', detail: 'the registry answered 404' },
      )
      .catch((e: unknown): Outcome => {
        if (!(e instanceof ImagestreamsError)) throw e;
        if (hasCode(e, 'DIGEST_MISMATCH')) return { kind: 'missing', detail: sanitizeText(e.message, 300) };
        if (hasCode(e, 'RATE_LIMITED')) stopped.add(check.domain);
        const anon =
          o.anonymous && hasCode(e, 'UNAUTHORIZED')
            ? ' (this check ran anonymously: a pull request from a fork gets no registry credentials)'
            : '';
        return { kind: 'unverified', reason: `${e.code}: ${sanitizeText(e.message, 300)}${anon}` };
      });
    const out = await Promise.race([asking, expired]);
    if (out === pastDeadline) asking.catch(() => {});
    return out;
  };
}

/** The finding an outcome makes at one lock site. */
function outcomeFinding(
  lines: LineFinder,
  check: RegistryCheck,
  site: LockSite,
  out: Exclude<Outcome, { kind: 'present' }>,
  o: RegistryVerifyOptions,
): Promise<RegistryFinding> {
  const subject = `${site.tag}: the locked ${site.what} ${site.digest}`;
  if (out.kind === 'missing') {
    return siteFinding(
      lines,
      site,
      'LOCKED_DIGEST_UNKNOWN',
      'error',
      `${subject} does not exist in ${check.repository} (${out.detail})`,
      check,
    );
  }
  if (out.kind === 'not-allowed') {
    const text = `${subject} is to be found in ${check.repository}, but ${check.domain} is not in allowedRegistries; it was not contacted`;
    return siteFinding(lines, site, 'LOCKED_REGISTRY_NOT_ALLOWED', 'error', text, check);
  }
  const who = o.anonymous ? ' (anonymously)' : '';
  const text = `${site.tag}: could not verify the locked ${site.what} ${site.digest} in ${check.repository}${who}: ${out.reason}`;
  return siteFinding(lines, site, 'LOCKED_DIGEST_UNVERIFIED', 'error', text, check);
}

/** Lines of lock sites, each lock parsed for positions only when it has a finding. */
type LineFinder = (site: LockSite) => Promise<{ file: string; line: number; column: number }>;

function lineFinder(root: string, lockDir: string): LineFinder {
  const parsed = new Map<string, Promise<ReturnType<typeof parseSource> | undefined>>();
  return async (site) => {
    const file = lockPath({ lockDir }, site.namespace, site.stream);
    let p = parsed.get(file);
    if (!p) {
      p = nodeFs.readFile(join(root, file), 'utf8').then(
        (text) => parseSource(file, text),
        () => undefined,
      );
      parsed.set(file, p);
    }
    const src = await p;
    const doc = src?.docs[0];
    if (!src || !doc) return { file, line: 1, column: 1 };
    const { line, column } = positionAt(src, doc.doc, site.path);
    return { file, line, column };
  };
}

async function siteFinding(
  lines: LineFinder,
  site: LockSite,
  code: RegistryFinding['code'],
  severity: 'error' | 'warning',
  message: string,
  check?: RegistryCheck,
): Promise<RegistryFinding> {
  return {
    ...(await lines(site)),
    code,
    severity,
    message,
    tag: site.tag,
    digest: site.digest,
    ...(check ? { repository: check.repository } : {}),
  };
}
