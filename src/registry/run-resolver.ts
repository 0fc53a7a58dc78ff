// One run's resolver: each `repo:tag` (or digest) is asked at most once however many streams name it, and a
// registry that answered 429 is not asked again; what was skipped is reported, what resolved is kept.

import { hasCode, ImagestreamsError } from '../model/errors.js';
import { formatFamiliar, type ImageRef, withDefaultTag } from '../model/reference.js';
import type {
  CallOptions,
  ImageMetadata,
  RawOptions,
  RawResolution,
  RegistryClient,
  ResolvedImage,
  ResolveOptions,
} from './types.js';

/** What a run did, for summaries: counts, skipped references, registries that rate-limited us. */
export interface RunReport {
  resolved: number;
  failed: number;
  skipped: string[];
  rateLimited: { registry: string; retryAfter?: string }[];
}

/** The memo key: `domain/path:tag`, or `domain/path@digest` (the digest wins). */
export function runKey(ref: ImageRef): string {
  const r = withDefaultTag(ref);
  return r.digest ? `${r.domain}/${r.path}@${r.digest}` : `${r.domain}/${r.path}:${r.tag}`;
}

/** One run's view of the registry, for injection into reconcile. */
export interface RunResolver {
  /** Resolve with memoisation (per reference and insecure flag); metadata memoised per digest. */
  resolve(ref: ImageRef, opts?: ResolveOptions): Promise<ResolvedImage>;
  report(): RunReport;
}

/** The memo key of a call: an insecure call's answer never serves a secure call of the same reference. */
const memoKey = (ref: ImageRef, opts: CallOptions) => `${runKey(ref)}${opts.insecure ? ' (insecure)' : ''}`;

/** The client calls a run resolver makes. */
type RunClient = Pick<RegistryClient, 'resolveRaw' | 'confirm' | 'select' | 'fetchMetadata'>;

/** One run's memo: answers per reference and per digest, registries stopped by a 429, outcomes for the report. */
interface RunMemo {
  client: RunClient;
  raw: Map<string, Promise<RawResolution>>;
  metadata: Map<string, Promise<ImageMetadata>>;
  stopped: Map<string, ImagestreamsError>;
  skipped: Set<string>;
  outcome: Map<string, boolean>;
}

/** Wrap a client for one run. */
export function createRunResolver(client: RunClient): RunResolver {
  const memo: RunMemo = {
    client,
    raw: new Map(),
    metadata: new Map(),
    stopped: new Map(),
    skipped: new Set(),
    outcome: new Map(),
  };
  return { resolve: (ref, opts) => resolve(memo, ref, opts), report: () => report(memo) };
}

/** The registry answered 429 earlier in this run: the reference is skipped, not asked. */
function skippedError(ref: ImageRef): ImagestreamsError {
  return new ImagestreamsError(
    'RATE_LIMITED',
    `${ref.domain}: ${formatFamiliar(withDefaultTag(ref))}: skipped, the registry answered 429 earlier in this run`,
    {
      data: { registry: ref.domain, reference: formatFamiliar(withDefaultTag(ref)), skipped: true },
      permanent: false,
    },
  );
}

function rawFor(memo: RunMemo, ref: ImageRef, opts: RawOptions): Promise<RawResolution> {
  const { raw, stopped, outcome } = memo;
  const key = memoKey(ref, opts);
  let p = raw.get(key);
  if (p) return p;
  if (stopped.get(ref.domain)) {
    memo.skipped.add(runKey(ref));
    return Promise.reject(skippedError(ref));
  }
  // The first caller's current image is the condition: a 304 says the tag is at that digest, true for every caller.
  const call: RawOptions = { insecure: opts.insecure };
  if (opts.current) call.current = opts.current;
  p = memo.client.resolveRaw(ref, call).then(
    (r) => {
      outcome.set(key, true);
      return r;
    },
    (e: unknown) => {
      outcome.set(key, false);
      if (hasCode(e, 'RATE_LIMITED') && !stopped.has(ref.domain)) stopped.set(ref.domain, e);
      throw e;
    },
  );
  raw.set(key, p);
  return p;
}

/** A header-only digest confirmed by hashing, once per reference (the memo then holds the confirmed one). */
function confirmed(
  memo: RunMemo,
  ref: ImageRef,
  found: RawResolution,
  opts: CallOptions,
): Promise<RawResolution> {
  if (found.verified) return Promise.resolve(found);
  const key = memoKey(ref, opts);
  const p = memo.client.confirm(ref, found, { insecure: opts.insecure }).catch((e: unknown) => {
    memo.outcome.set(key, false);
    throw e;
  });
  memo.raw.set(key, p);
  return p;
}

/**
 * Resolve with memoisation; metadata (when asked) is memoised per digest too. A digest outside `opts.known`
 * (the lock's) is confirmed by hashing the manifest before it is returned.
 */
async function resolve(memo: RunMemo, ref: ImageRef, opts: ResolveOptions = {}): Promise<ResolvedImage> {
  let found = await rawFor(memo, ref, opts);
  if (opts.known && !opts.known.includes(found.digest)) found = await confirmed(memo, ref, found, opts);
  const r = memo.client.select(ref, found, opts);
  if (opts.withMetadata) {
    const d = r.chosen?.digest ?? r.digest;
    const key = `${ref.domain}/${ref.path}@${d}`;
    let m = memo.metadata.get(key);
    if (!m) {
      m = memo.client.fetchMetadata(ref, d, { insecure: opts.insecure });
      memo.metadata.set(key, m);
    }
    r.metadata = await m;
  }
  return r;
}

function report(memo: RunMemo): RunReport {
  const vals = [...memo.outcome.values()];
  return {
    resolved: vals.filter(Boolean).length,
    failed: vals.filter((v) => !v).length,
    skipped: [...memo.skipped].sort(),
    rateLimited: [...memo.stopped].map(([registry, e]) => {
      const ra = e.data.retryAfter;
      return typeof ra === 'string' ? { registry, retryAfter: ra } : { registry };
    }),
  };
}
