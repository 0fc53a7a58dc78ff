// The pull request body that explains a digest bump to a reviewer; pure, rendered from the structured changes.
// Values that come from registries (created, labels, error messages, platforms) are untrusted text: they go into
// code spans (src/render/markdown.ts), and every section has a size budget; the rollback section is always kept.

import { formatPlatform } from '../model/platform.js';
import type { DeclarationNote } from '../plan/branch-diff.js';
import type { ConsumerChange, StreamChange, TagChange } from '../plan/changes.js';
import { plural, shortDigest } from '../util/text.js';
import { codeSpan, escapeCell, escapeText, type Section, withinBudget } from './markdown.js';
import { tagDetails } from './pr-tag-details.js';
import { republishedLines } from './republished.js';
import { missingPlatformNoteLine, selectionNoteLine, soakingNoteLine } from './selection-note.js';

export { compareUrl } from './pr-tag-details.js';

/** GitHub refuses bodies over 65,536 characters; keep a margin. */
export const MAX_BODY_LENGTH = 60_000;

/** Budgets (characters) of the parts a registry or a large repository can grow. */
const BUDGET = {
  notes: 8_000,
  warnings: 8_000,
  table: 12_000,
  consumers: 12_000,
  rollback: 8_000,
};

export interface PullRequestBodyOptions {
  /** Hidden marker line identifying the group (e.g. `<!-- imagestreams:group=default/python -->`). */
  marker?: string;
  /** Command shown for rollbacks (default `imagestreams`). */
  command?: string;
  /** Declaration edits the branch carries (rollbacks, promotions, re-pointed tags). */
  notes?: DeclarationNote[];
}

export { looksImmutable } from './republished.js';

/** The Markdown body: warnings, per-stream tables, per-tag details, consumers, and how to roll back. */
export function renderPullRequestBody(
  changes: StreamChange[],
  consumers: ConsumerChange[],
  opts: PullRequestBodyOptions = {},
): string {
  const cmd = opts.command ?? 'imagestreams';
  const tags = changes.flatMap((s) => s.tags);
  const moving = tags.filter((t) => t.kind !== 'failed');
  const held = new Set(['soaking', 'missing-platform']);
  const notes = (opts.notes ?? []).filter((n) => !held.has(n.kind));
  const soaking = (opts.notes ?? []).filter((n) => n.kind === 'soaking');
  const missing = (opts.notes ?? []).filter((n) => n.kind === 'missing-platform');
  const sections: Section[] = [
    ...section(
      [
        ...(opts.marker ? [opts.marker, ''] : []),
        ...republishedLines(tags),
        `${intro(moving, consumers, notes)} ${GATE}`,
        '',
      ],
      true,
    ),
    ...section(noteLines(notes, cmd), true),
    ...section(heldLines('Held back by a minimum age (soak)', soaking, cmd), true),
    ...section(heldLines('Held back: a required platform is missing', missing, cmd), true),
    ...section(warningLines(tags)),
    ...changes.flatMap((s) => [
      ...section(streamTable(s)),
      ...s.tags.flatMap((t) => section([...tagDetails(t, cmd), ''])),
    ]),
    ...section(consumerLines(consumers)),
    ...section([...rollbackLines(moving, cmd), FOOTER], true),
  ];
  return withinBudget(
    sections,
    MAX_BODY_LENGTH,
    (n) =>
      `…(${n} ${n === 1 ? 'section' : 'sections'} left out to keep this body short: the full list is in the commit message)\n\n`,
  );
}

const FOOTER =
  '<sub>Opened by imagestreams. Edits to this branch by anyone else stop imagestreams from updating it.</sub>';

/** Lines as one section of the body (none when there are no lines). */
function section(lines: string[], keep = false): Section[] {
  return lines.length > 0 ? [{ text: `${lines.join('\n')}\n`, ...(keep ? { keep } : {}) }] : [];
}

function noteLines(notes: DeclarationNote[], cmd: string): string[] {
  if (notes.length === 0) return [];
  const lines = notes.map((n) => `- ${noteLine(n, cmd)}`);
  return [
    '### Declaration changes',
    '',
    ...capLines(lines, BUDGET.notes, (n) => `- …and ${n} more declaration changes`),
    '',
  ];
}

/** Digests held back (a minimum age: with when each becomes eligible; a missing required platform). */
function heldLines(title: string, notes: DeclarationNote[], cmd: string): string[] {
  if (notes.length === 0) return [];
  const lines = notes.map((n) => `- ${noteLine(n, cmd)}`);
  return [`### ${title}`, '', ...capLines(lines, BUDGET.notes, (n) => `- …and ${n} more`), ''];
}

/** Lost platforms and failed imports, as one warning block (republished version tags open the body). */
function warningLines(tags: TagChange[]): string[] {
  const warnings: string[] = [];
  for (const t of tags) {
    const name = `${t.namespace}/${t.stream}:${t.tag}`;
    const lost = lostPlatforms(t);
    if (lost.length > 0) {
      warnings.push(
        `\`${escapeCell(name)}\` no longer provides ${lost.map((p) => codeSpan(p, 100)).join(', ')}.`,
      );
    }
    if (t.kind === 'failed') {
      warnings.push(
        `\`${escapeCell(name)}\` failed to import (${codeSpan(t.error?.reason ?? 'unknown', 60)}); the last good digest stays locked.`,
      );
    }
  }
  if (warnings.length === 0) return [];
  const lines = warnings.map((w) => `> - ${w}`);
  return ['> [!WARNING]', ...capLines(lines, BUDGET.warnings, (n) => `> - …and ${n} more`), ''];
}

function streamTable(s: StreamChange): string[] {
  const rows = s.tags.map(
    (t) =>
      `| \`${escapeCell(t.tag)}\` | ${t.kind} | ${code(shortDigest(t.from?.image))} | ` +
      `${t.kind === 'failed' ? '(unchanged)' : code(shortDigest(t.to?.image))} | ${codeSpan(t.toMetadata?.created ?? '', 40)} |`,
  );
  return [
    `### ${escapeCell(`${s.namespace}/${s.stream}`)}`,
    '',
    `Lock file: \`${escapeCell(s.lockFile)}\``,
    '',
    '| Tag | Change | From | To | Image created |',
    '| --- | --- | --- | --- | --- |',
    ...capLines(rows, BUDGET.table, (n) => `| …and ${n} more tags | | | | |`),
    '',
  ];
}

function consumerLines(consumers: ConsumerChange[]): string[] {
  if (consumers.length === 0) return [];
  const sorted = [...consumers].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  const rows = sorted.map(
    (c) =>
      `| \`${escapeCell(c.file)}\` | ${c.line} | ${escapeText(c.target, 200)} | \`${escapeCell(c.follows)}\` |`,
  );
  return [
    '### Consumers updated with it',
    '',
    '| File | Line | Target | Follows |',
    '| --- | --- | --- | --- |',
    ...capLines(rows, BUDGET.consumers, (n) => `| …and ${n} more consumers | | | |`),
    '',
  ];
}

function rollbackLines(moving: TagChange[], cmd: string): string[] {
  if (moving.length === 0) return [];
  const lines = moving.map((t) => `${cmd} rollback ${t.namespace}/${t.stream}:${t.tag}`);
  return [
    '### Rolling back',
    '',
    'If a new image turns out bad after merging, open a pull request back to the previous digest:',
    '',
    '```sh',
    ...capLines(lines, BUDGET.rollback, (n) => `# …and ${n} more: ${cmd} rollback STREAM:TAG`),
    '```',
    '',
  ];
}

/** Lines within a character budget; the rest summed up by `more(n)`. */
function capLines(lines: string[], budget: number, more: (n: number) => string): string[] {
  let used = 0;
  for (const [i, l] of lines.entries()) {
    used += l.length + 1;
    if (used > budget) return [...lines.slice(0, i), more(lines.length - i)];
  }
  return lines;
}

const GATE =
  'Until it is merged, every consumer keeps the digest it is pinned to now; merging it is what lets builds ' +
  'and deployments pick up the new image.';

/** The first sentence: what the branch does, from its diff. */
function intro(moving: TagChange[], consumers: ConsumerChange[], notes: DeclarationNote[]): string {
  if (
    moving.length > 0 &&
    notes.length === 0 &&
    moving.every((t) => t.kind === 'moved' || t.kind === 'new')
  ) {
    return `This pull request updates the lock of ${plural(moving.length, 'image stream tag')} because the upstream image changed.`;
  }
  if (moving.length > 0) {
    const what = moving.some((t) => t.kind === 'rollback') ? 'rolls back or moves' : 'moves';
    return `This pull request ${what} ${plural(moving.length, 'image stream tag')} as its declaration changes say.`;
  }
  if (notes.length > 0)
    return `This pull request changes ${plural(notes.length, 'image stream tag declaration')}.`;
  if (consumers.length > 0) {
    return `This pull request brings ${plural(consumers.length, 'consumer')} to the digest the lock already records.`;
  }
  return 'This pull request records import results in the lock; no image changes.';
}

/** One declaration edit as a reviewer reads it. */
function noteLine(n: DeclarationNote, cmd: string): string {
  switch (n.kind) {
    case 'rolled-back':
      return (
        `\`${escapeCell(n.tag)}\` rolled back from ${code(shortDigest(n.from))} to ${code(shortDigest(n.to))}; ` +
        (n.followAgain
          ? `to follow upstream again: \`${escapeCell(`${cmd} ${n.followAgain}`)} --scheduled\` (drop \`--scheduled\` if it was not).`
          : 'point it at its upstream again with `' + cmd + ' tag` to follow upstream.')
      );
    case 'promoted':
      return `promoted \`${escapeCell(n.source)}\` → \`${escapeCell(n.tag)}\` at ${code(n.digest ? escapeCell(n.digest) : '(not imported yet)')}.`;
    case 'repointed':
      return `\`${escapeCell(n.tag)}\` re-pointed from \`${escapeCell(n.was)}\` to \`${escapeCell(n.now)}\`.`;
    case 'added':
      return `\`${escapeCell(n.tag)}\` added, from \`${escapeCell(n.now)}\`.`;
    case 'removed':
      return `\`${escapeCell(n.tag)}\` removed (was \`${escapeCell(n.was)}\`).`;
    case 'selected':
      return selectionNoteLine(n);
    case 'soaking':
      return soakingNoteLine(n);
    case 'missing-platform':
      return missingPlatformNoteLine(n);
  }
}

/** The platforms a moved tag's old image had and its new one lacks. */
export function lostPlatforms(t: TagChange): string[] {
  if (t.kind === 'failed' || !t.from?.platforms?.length || !t.to?.platforms) return [];
  const now = new Set(t.to.platforms.map(formatPlatform));
  return t.from.platforms.map(formatPlatform).filter((k) => !now.has(k));
}

function code(short: string): string {
  return codeSpan(short);
}
