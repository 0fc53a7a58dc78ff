// Tag selection policies (the `imagestreams.dev/tag-policy` annotations of a DockerImage tag): which upstream tag
// of a repository a stream tag follows — the highest semver in a range, the highest number or string, or the tag
// seen last — after an optional regex filter whose extract template gives the value to order by (as Flux's
// filterTags.pattern and extract). Pure: the tag list and the first-seen ledger come in, the choice goes out.

// The parts used, not the package's index: that loads and initialises every semver module at start-up (about
// 2 ms of a run's CPU before its first registry request, tag policy or not).
import SemVerRange from 'semver/classes/range.js';
import type SemVer from 'semver/classes/semver.js';
import compareVersions from 'semver/functions/compare.js';
import parseVersion from 'semver/functions/parse.js';
import validRange from 'semver/ranges/valid.js';

/** Annotation keys of the policy (tag annotations; documented in docs/declaration.md). */
export const TAG_POLICY = 'imagestreams.dev/tag-policy';
export const SEMVER_RANGE = 'imagestreams.dev/semver-range';
export const PRERELEASES = 'imagestreams.dev/prereleases';
export const TAG_ORDER = 'imagestreams.dev/tag-order';
export const TAG_PATTERN = 'imagestreams.dev/tag-pattern';
export const TAG_EXTRACT = 'imagestreams.dev/tag-extract';

/** The policy kinds, as written in `imagestreams.dev/tag-policy`. */
export const POLICY_KINDS = ['semver', 'numerical', 'alphabetical', 'first-seen'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

/** Tags a first-seen ledger may hold for one stream tag; more matching tags need a narrower tag-pattern. */
export const MAX_FIRST_SEEN = 1000;

/** A parsed, valid policy. */
export interface TagPolicy {
  kind: PolicyKind;
  /** semver: the range (default `*`). */
  range?: string;
  /** semver: prerelease versions are candidates. */
  prereleases: boolean;
  /** numerical, alphabetical: `asc` picks the highest, `desc` the lowest (Flux's meaning). */
  order: 'asc' | 'desc';
  pattern?: RegExp;
  /** Replacement template over the pattern's match (`$1`, `$<name>`), the value ordered by. */
  extract?: string;
  /** A one-line summary for locks and PR bodies, e.g. `semver >=1.4 <2`. */
  summary: string;
}

/** A problem with the policy annotations: which key, and what to do. */
export interface PolicyProblem {
  key: string;
  message: string;
}

/** True when a tag declares a selection policy (any of the keys). */
export function hasTagPolicy(annotations: Record<string, string> | null | undefined): boolean {
  if (!annotations) return false;
  return [TAG_POLICY, SEMVER_RANGE, PRERELEASES, TAG_ORDER, TAG_PATTERN, TAG_EXTRACT].some(
    (k) => annotations[k] !== undefined,
  );
}

/** Go's `(?P<name>` (as Flux examples write it) is JavaScript's `(?<name>`. */
function jsPattern(p: string): string {
  return p.replace(/\(\?P</g, '(?<');
}

/** Parse the policy annotations of a tag; `policy` is undefined when there are problems (all reported). */
export function parseTagPolicy(annotations: Record<string, string> | null | undefined): {
  policy?: TagPolicy;
  problems: PolicyProblem[];
} {
  const a = annotations ?? {};
  const problems: PolicyProblem[] = [];
  const kind = a[TAG_POLICY];
  if (kind === undefined) {
    problems.push({
      key: TAG_POLICY,
      message: `${TAG_POLICY} is missing: the other tag-policy annotations need it; set it to one of ${POLICY_KINDS.join(', ')}`,
    });
    return { problems };
  }
  if (!(POLICY_KINDS as readonly string[]).includes(kind)) {
    problems.push({
      key: TAG_POLICY,
      message: `${TAG_POLICY} "${kind}" is not a policy: use one of ${POLICY_KINDS.join(', ')}`,
    });
    return { problems };
  }
  const k = kind as PolicyKind;
  const range = a[SEMVER_RANGE];
  if (range !== undefined && k !== 'semver')
    problems.push({ key: SEMVER_RANGE, message: `${SEMVER_RANGE} needs ${TAG_POLICY}: semver` });
  if (range !== undefined && validRange(range) === null)
    problems.push({
      key: SEMVER_RANGE,
      message: `${SEMVER_RANGE} "${range}" is not a semver range, e.g. ">=1.4.0 <2" or "^1.4"`,
    });
  const pre = a[PRERELEASES];
  if (pre !== undefined && pre !== 'true' && pre !== 'false')
    problems.push({ key: PRERELEASES, message: `${PRERELEASES} must be "true" or "false"` });
  if (pre !== undefined && k !== 'semver')
    problems.push({ key: PRERELEASES, message: `${PRERELEASES} needs ${TAG_POLICY}: semver` });
  const order = a[TAG_ORDER] ?? 'asc';
  if (order !== 'asc' && order !== 'desc')
    problems.push({ key: TAG_ORDER, message: `${TAG_ORDER} must be "asc" (highest) or "desc" (lowest)` });
  if (a[TAG_ORDER] !== undefined && k !== 'numerical' && k !== 'alphabetical')
    problems.push({ key: TAG_ORDER, message: `${TAG_ORDER} needs ${TAG_POLICY}: numerical or alphabetical` });
  let pattern: RegExp | undefined;
  if (a[TAG_PATTERN] !== undefined) {
    try {
      pattern = new RegExp(jsPattern(a[TAG_PATTERN]!));
    } catch (e) {
      problems.push({
        key: TAG_PATTERN,
        message: `${TAG_PATTERN} is not a regular expression (${(e as Error).message}), e.g. "^main-[a-f0-9]+-(?<ts>[0-9]+)$"`,
      });
    }
  }
  const extract = a[TAG_EXTRACT];
  if (extract !== undefined && a[TAG_PATTERN] === undefined)
    problems.push({
      key: TAG_EXTRACT,
      message: `${TAG_EXTRACT} needs ${TAG_PATTERN}, whose groups it names`,
    });
  if (problems.length > 0) return { problems };
  const parts: string[] = [k];
  if (k === 'semver') parts.push(range ?? '*');
  if (pre === 'true') parts.push('with prereleases');
  if (k === 'numerical' || k === 'alphabetical') parts.push(order);
  if (pattern) parts.push(`matching /${a[TAG_PATTERN]}/`);
  if (extract) parts.push(`by ${extract}`);
  const policy: TagPolicy = {
    kind: k,
    prereleases: pre === 'true',
    order: order as 'asc' | 'desc',
    summary: parts.join(' '),
  };
  if (range !== undefined) policy.range = range;
  if (pattern) policy.pattern = pattern;
  if (extract !== undefined) policy.extract = extract;
  return { policy, problems };
}

/** Each tag the filter keeps, with the value it is ordered by (the extract, else the tag). */
export function candidates(policy: TagPolicy, tags: readonly string[]): { tag: string; value: string }[] {
  const out: { tag: string; value: string }[] = [];
  for (const tag of tags) {
    if (!policy.pattern) {
      out.push({ tag, value: tag });
      continue;
    }
    const m = policy.pattern.exec(tag);
    if (!m) continue;
    out.push({ tag, value: policy.extract !== undefined ? expand(policy.extract, m) : tag });
  }
  return out;
}

/** The extract template over a match: `$1`, `${1}`, `$<name>`, `${name}` and Go's `$name` (as Flux writes it). */
export function expand(template: string, m: RegExpExecArray): string {
  return template.replace(/\$(?:<(\w+)>|\{(\w+)\}|(\w+))/g, (_, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c)!;
    const v = /^\d+$/.test(name) ? m[Number(name)] : m.groups?.[name];
    return v ?? '';
  });
}

/** What a policy chose, and the ledger to record (first-seen only). */
export interface Selection {
  /** The chosen upstream tag; undefined when no tag qualifies. */
  tag?: string;
  /** How many tags qualified. */
  considered: number;
  /** first-seen: tag → when this reconciler first saw it (RFC 3339), for every qualifying tag. */
  firstSeen?: Record<string, string>;
  /** Why nothing was chosen, when nothing was. */
  problem?: string;
}

/** Context of one selection. */
export interface SelectContext {
  /** The run's time (RFC 3339): first-seen time of tags the ledger does not hold yet. */
  now: string;
  /** The ledger recorded in the lock by earlier runs. */
  firstSeen?: Readonly<Record<string, string>>;
  /** The tag followed now (from `from.name`): wins ties, so a first run keeps what the declaration says. */
  current?: string;
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The tag `policy` chooses among `tags` (deterministic: ties go to the current tag, then the greatest name). */
export function selectTag(policy: TagPolicy, tags: readonly string[], ctx: SelectContext): Selection {
  const found = candidates(policy, tags);
  const ranked = rank(policy, found, ctx);
  if ('problem' in ranked) return { considered: 0, problem: ranked.problem };
  const { list, firstSeen } = ranked;
  if (list.length === 0) {
    return {
      considered: 0,
      problem: `none of the repository's ${tags.length} tags qualifies under ${policy.summary}`,
      ...(firstSeen ? { firstSeen } : {}),
    };
  }
  let best = list[0]!;
  for (const c of list) {
    const d = c.cmp(best);
    if (d > 0 || (d === 0 && tieBreak(c.tag, best.tag, ctx.current) > 0)) best = c;
  }
  return { tag: best.tag, considered: list.length, ...(firstSeen ? { firstSeen } : {}) };
}

function tieBreak(a: string, b: string, current: string | undefined): number {
  if (a === current) return 1;
  if (b === current) return -1;
  return byCodeUnits(a, b);
}

type Ranked = { tag: string; cmp: (other: Ranked) => number };

/** The qualifying candidates, each comparable (greater = preferred). */
function rank(
  policy: TagPolicy,
  found: { tag: string; value: string }[],
  ctx: SelectContext,
): { list: Ranked[]; firstSeen?: Record<string, string> } | { problem: string } {
  const sign = policy.order === 'desc' ? -1 : 1;
  switch (policy.kind) {
    case 'semver': {
      // One parsed Range for the whole list (semver.satisfies would parse it again for every tag).
      const range = new SemVerRange(policy.range ?? '*', { includePrerelease: policy.prereleases });
      const list: (Ranked & { v: SemVer })[] = [];
      for (const f of found) {
        // A cheap shape test first: semver.parse throws and catches inside for every non-version tag.
        if (!/^[v=\s]*\d+\.\d+\.\d+/.test(f.value)) continue;
        const v = parseVersion(f.value);
        if (!v) continue;
        if (v.prerelease.length > 0 && !policy.prereleases) continue;
        if (!range.test(v)) continue;
        const r = { tag: f.tag, v, cmp: (o: Ranked) => compareVersions(v, (o as typeof r).v) };
        list.push(r);
      }
      return { list };
    }
    case 'numerical': {
      const list: (Ranked & { n: number })[] = [];
      for (const f of found) {
        if (!/^-?\d+(?:\.\d+)?$/.test(f.value)) continue;
        const n = Number(f.value);
        const r = { tag: f.tag, n, cmp: (o: Ranked) => sign * Math.sign(n - (o as typeof r).n) };
        list.push(r);
      }
      return { list };
    }
    case 'alphabetical': {
      const list: (Ranked & { s: string })[] = found.map((f) => {
        const r = {
          tag: f.tag,
          s: f.value,
          cmp: (o: Ranked) => sign * byCodeUnits(f.value, (o as typeof r).s),
        };
        return r;
      });
      return { list };
    }
    case 'first-seen': {
      if (found.length > MAX_FIRST_SEEN) {
        return {
          problem: `${found.length} tags qualify under ${policy.summary}, more than the ${MAX_FIRST_SEEN} a first-seen ledger keeps: narrow them with ${TAG_PATTERN}`,
        };
      }
      const firstSeen: Record<string, string> = {};
      for (const f of [...found].sort((a, b) => byCodeUnits(a.tag, b.tag)))
        firstSeen[f.tag] = ctx.firstSeen?.[f.tag] ?? ctx.now;
      const list = found.map((f) => {
        const at = Date.parse(firstSeen[f.tag]!);
        const r = { tag: f.tag, at, cmp: (o: Ranked) => Math.sign(at - (o as typeof r).at) };
        return r;
      });
      return { list, firstSeen };
    }
  }
}
