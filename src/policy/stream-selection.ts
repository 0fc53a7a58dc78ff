// `--stream` / the Action's `streams` input, checked against the declared streams: a name that selects nothing
// is a mistake (a typo must not import nothing and pass), reported with the closest declared names. Pure.

/** Edit distance (insert, delete, substitute), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

/** A selection entry that matches no stream, and the declared names closest to it (best first, at most 3). */
export interface UnknownStream {
  wanted: string;
  closest: string[];
}

/** Entries of `only` (`name` or `namespace/name`) that select no declared stream. */
export function unknownStreams(
  only: Iterable<string>,
  streams: readonly { namespace: string; name: string }[],
): UnknownStream[] {
  const names = new Set<string>();
  for (const s of streams) {
    names.add(s.name);
    names.add(`${s.namespace}/${s.name}`);
  }
  const out: UnknownStream[] = [];
  for (const wanted of only) {
    if (names.has(wanted)) continue;
    const pool = wanted.includes('/')
      ? streams.map((s) => `${s.namespace}/${s.name}`)
      : [...new Set(streams.map((s) => s.name))];
    const closest = pool
      .map((n) => ({ n, d: editDistance(wanted, n) }))
      .filter((x) => x.d <= Math.max(2, Math.floor(wanted.slice(wanted.indexOf('/') + 1).length / 2)))
      .sort((a, b) => a.d - b.d || (a.n < b.n ? -1 : 1))
      .slice(0, 3)
      .map((x) => x.n);
    out.push({ wanted, closest });
  }
  return out;
}

/** One line per unknown entry: `no stream "pyton" is declared (closest: python, pytorch)`. */
export function unknownStreamsMessage(unknown: readonly UnknownStream[], declared: number): string {
  return unknown
    .map(
      (u) =>
        `no stream "${u.wanted}" is declared${u.closest.length ? ` (closest: ${u.closest.join(', ')})` : declared === 0 ? ' (no streams are declared)' : ''}`,
    )
    .join('; ');
}
