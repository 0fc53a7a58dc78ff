// Reading the dashboard issue back (pure): which "import now" boxes are ticked. The issue is editable by anyone
// who can edit issues, so its text is never trusted beyond picking from the declared stream tags: a ticked line
// naming anything else is returned as ignored, for a warning, and never acted on.

import { oneLine } from '../model/text.js';
import { IMPORT_MARKER } from './dashboard.js';

/** The ticked boxes of a body, sorted into declared tags and everything else. */
export interface DashboardTicks {
  /** Declared keys (`namespace/stream:tag`) whose box is ticked, in body order, without repeats. */
  ticked: string[];
  /** Ticked lines that name no declared tag (one line each, bounded, for a log line). */
  ignored: string[];
}

/** A task-list item: `- [x] …` (also `*`/`+` bullets, indented, upper-case X). */
const TASK_RE = /^\s{0,3}[-*+]\s+\[([ xX])\]\s?(.*)$/;
const MARKER_RE = new RegExp(
  `<!--\\s*${IMPORT_MARKER.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\s>]*)\\s*-->`,
);

/** Ticked boxes of `body` whose marker names a key in `declared`; any other ticked box is ignored. */
export function parseDashboardTicks(
  body: string | null | undefined,
  declared: ReadonlySet<string>,
): DashboardTicks {
  const ticked: string[] = [];
  const ignored: string[] = [];
  const seen = new Set<string>();
  for (const line of (body ?? '').split(/\r?\n/)) {
    const task = TASK_RE.exec(line);
    if (!task || task[1] === ' ') continue;
    const raw = MARKER_RE.exec(task[2]!)?.[1];
    const key = raw === undefined ? undefined : decode(raw);
    if (key !== undefined && declared.has(key)) {
      if (!seen.has(key)) ticked.push(key);
      seen.add(key);
    } else {
      ignored.push(oneLine(key ?? task[2]!, 120));
    }
  }
  return { ticked, ignored };
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
