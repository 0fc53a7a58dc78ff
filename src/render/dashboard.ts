// The dashboard issue's body (publish.dashboard), kept up to date in place by publishing runs, as Renovate's
// Dependency Dashboard is: failed imports, digests held back, open pull requests, and every stream tag with its
// locked digest and an "import now" checkbox. Pure and deterministic (no "updated at", no relative ages), so a run
// in which nothing changed renders the same bytes and writes nothing. Every value from a lock, a registry or
// GitHub is escaped (src/render/markdown.ts); the body stays within GitHub's 65,536 characters.

import type { PendingImage, StreamLock } from '../model/lock.js';
import { formatStreamTag } from '../model/stream-tag.js';
import { plural, shortDigest } from '../util/text.js';
import { codeSpan, escapeText, type Section, withinBudget } from './markdown.js';

/** GitHub refuses issue bodies over 65,536 characters. */
export const MAX_DASHBOARD_LENGTH = 65_536;
/** The hidden marker that, with the `imagestreams:dashboard` label, identifies the issue. */
export const DASHBOARD_MARKER = '<!-- imagestreams:dashboard -->';
/** The hidden part of an "import now" line; the key is URI-encoded (src/render/dashboard-ticks.ts parses it). */
export const IMPORT_MARKER = 'imagestreams:import=';

/** One stream tag as the dashboard shows it (from its declaration and its lock). */
export interface DashboardTag {
  /** `namespace/stream:tag`. */
  key: string;
  tag: string;
  /** The locked digest, and since when (the lock's first sighting of it). */
  digest?: string;
  since?: string;
  /** The last import failed (the lock's ImportSuccess=False condition). */
  failed?: { reason: string; message: string; since: string };
  /** A newer digest held back (soak or a missing required platform). */
  pending?: PendingImage;
}

/** A stream and its tags, in the order shown. */
export interface DashboardStream {
  /** `namespace/name`. */
  id: string;
  tags: DashboardTag[];
}

/** An open pull request of imagestreams (its branch starts with the branch prefix). */
export interface DashboardPull {
  number: number;
  title: string;
  branch: string;
}

export interface DashboardInput {
  streams: DashboardStream[];
  pulls: DashboardPull[];
  /** Keys whose box stays ticked (ticked by someone, not imported yet); all others render unticked. */
  ticked?: ReadonlySet<string>;
  /** Most characters (default and at most 65,536). */
  limit?: number;
}

/** A declared stream and the names of its tags, in declaration order. */
export interface DeclaredStream {
  namespace: string;
  name: string;
  tags: string[];
}

/** The dashboard's streams: every declared tag (sorted by stream id, then declaration order) with its lock state. */
export function dashboardStreams(
  declared: readonly DeclaredStream[],
  locks: ReadonlyMap<string, StreamLock>,
): DashboardStream[] {
  const streams = declared.map((s) => {
    const id = `${s.namespace}/${s.name}`;
    const byTag = new Map((locks.get(id)?.status.tags ?? []).map((t) => [t.tag, t]));
    const tags = s.tags.map((tag): DashboardTag => {
      const t: DashboardTag = { key: formatStreamTag({ namespace: s.namespace, stream: s.name, tag }), tag };
      const lt = byTag.get(tag);
      const item = lt?.items[0];
      if (item) Object.assign(t, { digest: item.image, since: item.created });
      const c = lt?.conditions?.find((x) => x.type === 'ImportSuccess' && x.status === 'False');
      if (c) t.failed = { reason: c.reason, message: c.message, since: c.lastTransitionTime };
      if (lt?.pending) t.pending = lt.pending;
      return t;
    });
    return { id, tags };
  });
  return streams.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

type Kind = 'failed' | 'held' | 'pull' | 'tag';
type Part = Section & { kind?: Kind; label?: string };

/** The note that says what was left out is at most this long (codeSpan bounds its one untrusted value). */
const NOTE_ROOM = 600;

const INTRO =
  'This issue is kept up to date by imagestreams on every publishing run; edits other than ticking a box are ' +
  'overwritten. Tick **import now** next to a tag to have the next run import it whatever its schedule says; ' +
  'the box is cleared once it has.';

/** The issue body. */
export function renderDashboard(input: DashboardInput): string {
  const limit = Math.min(input.limit ?? MAX_DASHBOARD_LENGTH, MAX_DASHBOARD_LENGTH);
  const tags = input.streams.flatMap((s) => s.tags);
  const parts: Part[] = [
    { text: `${DASHBOARD_MARKER}\n\n${INTRO}\n`, keep: true },
    ...failedParts(tags),
    ...heldParts(tags),
    ...pullParts(input.pulls),
    ...streamParts(input.streams, input.ticked ?? new Set()),
  ];
  const optional = parts.filter((p) => !p.keep);
  // withinBudget first asks for the note with n = every part, to reserve room: NOTE_ROOM is reserved instead.
  return withinBudget(parts, limit - NOTE_ROOM, (n) =>
    n > optional.length ? '' : leftOutNote(optional.slice(optional.length - n)),
  );
}

/** A table as parts: the heading and header go with the first row, so whatever is kept is a whole table prefix. */
function table(
  kind: Kind,
  heading: string,
  header: string[],
  rows: { cells: string[]; label: string }[],
): Part[] {
  return rows.map((r, i) => {
    const row = `| ${r.cells.join(' | ')} |\n`;
    const head = `\n## ${heading}\n\n| ${header.join(' | ')} |\n|${header.map(() => '---|').join('')}\n`;
    return { text: i === 0 ? head + row : row, kind, label: r.label };
  });
}

function failedParts(tags: DashboardTag[]): Part[] {
  const failed = tags.filter((t) => t.failed);
  return table(
    'failed',
    `Failed imports (${failed.length})`,
    ['Tag', 'Reason', 'Since', 'Message', 'Locked'],
    failed.map((t) => ({
      label: t.key,
      cells: [
        codeSpan(t.key),
        codeSpan(t.failed!.reason, 80),
        codeSpan(t.failed!.since, 40),
        codeSpan(t.failed!.message, 300),
        codeSpan(shortDigest(t.digest)),
      ],
    })),
  );
}

function heldParts(tags: DashboardTag[]): Part[] {
  const held = tags.filter((t) => t.pending);
  return table(
    'held',
    `Held back (${held.length})`,
    ['Tag', 'Digest', 'First seen', 'Why'],
    held.map((t) => {
      const p = t.pending!;
      const why =
        p.reason === 'Soaking'
          ? `soaking, eligible at ${codeSpan(p.eligibleAt ?? '?', 40)}`
          : `lacks required ${p.missingPlatforms?.length === 1 ? 'platform' : 'platforms'} ${codeSpan((p.missingPlatforms ?? []).join(', '), 200)}`;
      return {
        label: t.key,
        cells: [codeSpan(t.key), codeSpan(shortDigest(p.image)), codeSpan(p.firstSeen, 40), why],
      };
    }),
  );
}

function pullParts(pulls: DashboardPull[]): Part[] {
  const sorted = [...pulls].sort((a, b) => a.number - b.number);
  return sorted.map((p, i) => ({
    text: `${i === 0 ? `\n## Open pull requests (${pulls.length})\n\n` : ''}- #${p.number} ${escapeText(p.title, 200)} (${codeSpan(p.branch, 200)})\n`,
    kind: 'pull',
    label: `#${p.number}`,
  }));
}

/** One section per stream, one "import now" line per tag (a stream with many tags is still one part per tag). */
function streamParts(streams: DashboardStream[], ticked: ReadonlySet<string>): Part[] {
  const count = streams.reduce((n, s) => n + s.tags.length, 0);
  const parts: Part[] = [];
  streams.forEach((s, si) => {
    s.tags.forEach((t, ti) => {
      const heading =
        (si === 0 && ti === 0 ? `\n## Stream tags (${count})\n` : '') +
        (ti === 0 ? `\n### ${codeSpan(s.id)}\n\n` : '');
      parts.push({ text: heading + importLine(t, ticked.has(t.key)), kind: 'tag', label: t.key });
    });
  });
  return parts;
}

/** `- [ ] import now `tag` `sha256:…` since … <!-- imagestreams:import=… -->`. */
export function importLine(t: DashboardTag, ticked: boolean): string {
  const state = t.digest
    ? `${codeSpan(shortDigest(t.digest))} since ${codeSpan(t.since ?? '?', 40)}`
    : 'not imported';
  return `- [${ticked ? 'x' : ' '}] import now ${codeSpan(t.tag)} ${state} <!-- ${IMPORT_MARKER}${encodeURIComponent(t.key)} -->\n`;
}

const NOUNS: Record<Kind, string> = {
  failed: 'failed import',
  held: 'held-back digest',
  pull: 'open pull request',
  tag: 'stream tag',
};

/** What was left out, by kind, from which entry on; bounded by NOTE_ROOM. */
function leftOutNote(dropped: Part[]): string {
  const counts = new Map<Kind, number>();
  for (const p of dropped) counts.set(p.kind!, (counts.get(p.kind!) ?? 0) + 1);
  const what = [...counts].map(([k, n]) => plural(n, NOUNS[k])).join(', ');
  return (
    `\n---\n\n**Left out** to stay within GitHub's limit of ${MAX_DASHBOARD_LENGTH.toLocaleString('en-US')} ` +
    `characters: ${what}, from ${codeSpan(dropped[0]!.label ?? '', 120)} on. The lock files have the full state.\n`
  );
}
