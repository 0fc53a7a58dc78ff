// `verify` as data: which consumers are not at the digest the lock pins them to.

import { samePin } from '../plan/pull-spec.js';
import { partUpToDate, wantedValue } from './image-parts.js';
import type { PullSpecLookup } from './index.js';
import { type Consumer, formatStreamTag } from './types.js';

/** One consumer that does not match the lock. */
export interface VerifyFinding {
  file: string;
  line: number;
  target: string;
  follows: string;
  /** drift: the value differs from the lock; unlocked: the stream tag has no locked image. */
  status: 'drift' | 'unlocked';
  current: string;
  /** The pinned pull spec the lock asks for (drift only). */
  want?: string;
  /** A split field holding the right text plain, which YAML reads as another type (`tag: 1.10`, a number). */
  unquoted?: true;
}

/** Compare every rewritable consumer with the lock; listed-only consumers (BuildConfig not pinned) are skipped. */
export function verifyConsumers(
  consumers: readonly Consumer[],
  pullSpecFor: PullSpecLookup,
): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  for (const c of consumers) {
    if (!c.slot) continue;
    const base = {
      file: c.file,
      line: c.line,
      target: c.target,
      follows: formatStreamTag(c.follows),
      current: c.current,
    };
    const want = wantedValue(c, pullSpecFor);
    if (want === undefined) out.push({ ...base, status: 'unlocked' });
    else if (want === null)
      continue; // a tag field of an image that came from no tag: the digest pins it
    // Either pin format is fine for the locked digest (switching pinFormat must not fail every PR until reconcile).
    else if (c.part ? !partUpToDate(c, want) : !samePin(want, c.current))
      out.push({
        ...base,
        status: 'drift',
        want,
        ...(c.current === want ? { unquoted: true as const } : {}),
      });
    else if ((c.alsoSet ?? []).some((a) => a.current !== a.value))
      out.push({ ...base, status: 'drift', want });
  }
  return out;
}

/** The one-line text form of a finding. */
export function formatFinding(f: VerifyFinding): string {
  if (f.status === 'unlocked') {
    return `${f.file}:${f.line}: ${f.target} follows ${f.follows}, which has no locked image (declare the stream tag and run imagestreams reconcile)`;
  }
  if (f.unquoted) {
    return `${f.file}:${f.line}: ${f.target} is ${f.current} unquoted, which YAML does not read as that string; lock says "${f.want}" (run imagestreams reconcile)`;
  }
  return `${f.file}:${f.line}: ${f.target} is at ${f.current}, lock says ${f.want} (run imagestreams reconcile)`;
}
