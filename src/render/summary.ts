// The GitHub Actions job summary and the pull request plan comment, rendered (pure) from the structured results
// of validate, verify, reconcile, publish and dispatch. Values that come from files or registries are escaped.

import type { Diagnostic } from '../model/diagnostic.js';
import type { PlatformImage } from '../model/lock.js';
import { formatPlatform } from '../model/platform.js';
import type { ConsumerChange, StreamChange, TagChange } from '../plan/changes.js';
import { plural, shortDigest } from '../util/text.js';
import { codeSpan, escapeCell, escapeText } from './markdown.js';

/** Hidden marker identifying the one plan comment the Action keeps up to date on a pull request. */
export const PLAN_COMMENT_MARKER = '<!-- imagestreams:plan -->';

/** A consumer that does not match its lock (from verify). */
export interface SummaryFinding {
  file: string;
  line: number;
  message: string;
}

/** What a reconcile or plan did, as the summary shows it. */
export interface SummaryRun {
  dryRun: boolean;
  /** Due tags, and how many of them failed or were skipped (rate limits). */
  due: number;
  /** Failed imports plus failed ImageStreamImage pins. */
  failed: number;
  /** Of `failed`, the pins (not counted in `due`). */
  failedPins?: number;
  skipped: number;
  changes: StreamChange[];
  consumers: ConsumerChange[];
  written: string[];
}

/** One publish group as the summary shows it. */
export interface SummaryPublishGroup {
  key: string;
  status: string;
  branch?: string;
  pullRequest?: { number: number; url: string };
  reason?: string;
  error?: { message: string };
}

/** One dispatch as the summary shows it. */
export interface SummaryDispatch {
  description: string;
  namespace: string;
  stream: string;
  tag: string;
  old: string | null;
  new: string;
  status: string;
  error?: { message: string };
}

/** Everything a job summary can show; each section is optional. */
export interface SummaryInput {
  /** The Action's command (reconcile, plan, validate, verify, dispatch). */
  command: string;
  /** GITHUB_EVENT_NAME. */
  event?: string;
  exitCode: number;
  /** Lines said first (why a step was skipped, e.g. a fork pull request). */
  notes?: string[];
  validation?: { files: number; tags: number; diagnostics: Diagnostic[] };
  verify?: { consumers: number; findings: SummaryFinding[] };
  run?: SummaryRun;
  publish?: { mode: string; skipped?: { reason: string }; groups: SummaryPublishGroup[] };
  dispatch?: { moved: number; results: SummaryDispatch[] };
  /** The plan comment on the pull request, or why there is none. */
  comment?: { number: number } | { skipped: string };
}

/** Lists longer than this are cut (the full data is in the `result` output). */
const MAX_ROWS = 200;

/** The job summary (Markdown) of one Action run. */
export function renderJobSummary(s: SummaryInput): string {
  const out: string[] = [];
  const verdict = s.exitCode === 0 ? 'succeeded' : s.exitCode === 2 ? 'stopped: invalid input' : 'failed';
  out.push(
    `## imagestreams ${escapeCell(s.command)}${s.event ? ` (${escapeCell(s.event)})` : ''}: ${verdict}`,
    '',
  );
  // Notes are the Action's own sentences (repository names at most); they keep their punctuation.
  for (const n of s.notes ?? []) out.push(`> ${escapeCell(n).replace(/@/g, '&#64;')}`, '');

  if (s.validation) out.push(...validationSection(s.validation), '');
  if (s.verify) out.push(...verifySection(s.verify), '');
  if (s.run) {
    out.push(`### ${s.run.dryRun ? 'Plan' : 'Reconcile'}`, '', runLine(s.run), '');
    out.push(...changeTables(s.run.changes, s.run.dryRun));
    out.push(...consumerTable(s.run.consumers, s.run.dryRun));
  }
  if (s.publish) out.push(...publishSection(s.publish), '');
  if (s.dispatch) out.push(...dispatchSection(s.dispatch), '');
  if (s.comment) {
    out.push(
      'number' in s.comment
        ? `Plan comment: pull request #${s.comment.number}.`
        : `No plan comment: ${escapeText(s.comment.skipped, 300)}`,
      '',
    );
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

/**
 * The plan comment on a pull request: what each new or changed tag would lock to, per platform. The caller adds
 * PLAN_COMMENT_MARKER (commentOnPullRequest appends it) so that later runs update this comment.
 */
export function renderPlanComment(input: {
  run?: SummaryRun;
  validationErrors?: number;
  verifyProblems?: number;
  /** Head commit the plan was made for. */
  sha?: string;
}): string {
  const out: string[] = ['### imagestreams plan', ''];
  const at = input.sha ? ` at \`${escapeCell(input.sha.slice(0, 12))}\`` : '';
  if (input.validationErrors) {
    out.push(
      `The declarations${at} have ${plural(input.validationErrors, 'error')} (annotated on the lines in ` +
        'the Files tab), so no plan was made. Fix them and push again.',
      '',
    );
  } else if (input.run) {
    const moving = input.run.changes.flatMap((c) => c.tags).filter((t) => t.kind !== 'failed');
    out.push(
      moving.length === 0
        ? `Merging this pull request${at} locks no new digest: ${runLine(input.run)}.`
        : `Merging this pull request${at} lets the next reconcile lock ${plural(moving.length, 'tag')} as ` +
            'below (digests resolved now; upstream may still move before then).',
      '',
    );
    out.push(...changeTables(input.run.changes, true));
    out.push(...consumerTable(input.run.consumers, true));
  }
  if (input.verifyProblems) {
    out.push(
      `${plural(input.verifyProblems, 'consumer')} not at the locked digest (see the annotations; ` +
        '`imagestreams reconcile` rewrites them).',
      '',
    );
  }
  out.push('<sub>Updated by imagestreams on every push to this pull request.</sub>');
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

function runLine(r: SummaryRun): string {
  const resolved = r.due - (r.failed - (r.failedPins ?? 0)) - r.skipped;
  const parts = [`${plural(r.due, 'tag')} due`, `${resolved} resolved`];
  if (r.failed) parts.push(`${r.failed} failed`);
  if (r.skipped) parts.push(`${r.skipped} skipped (rate limited)`);
  const files = r.written.length;
  parts.push(
    files === 0 ? 'no file changes' : `${r.dryRun ? 'would change' : 'changed'} ${plural(files, 'file')}`,
  );
  return parts.join(', ');
}

function validationSection(v: NonNullable<SummaryInput['validation']>): string[] {
  const errors = v.diagnostics.filter((d) => d.severity === 'error');
  const warnings = v.diagnostics.length - errors.length;
  const head = `${plural(v.files, 'file')}, ${plural(v.tags, 'tag')}: ${
    errors.length === 0 ? 'valid' : plural(errors.length, 'error')
  }${warnings ? ` (${plural(warnings, 'warning')})` : ''}`;
  const out = ['### Validation', '', head];
  if (v.diagnostics.length > 0) {
    out.push('', '| Where | Problem |', '| --- | --- |');
    for (const d of v.diagnostics.slice(0, MAX_ROWS)) {
      const sev = d.severity === 'warning' ? 'warning: ' : '';
      out.push(
        `| \`${escapeCell(`${d.file}:${d.line}:${d.column}`)}\` | ${sev}${escapeText(d.message, 300)} |`,
      );
    }
    if (v.diagnostics.length > MAX_ROWS) out.push('', `…and ${v.diagnostics.length - MAX_ROWS} more.`);
  }
  return out;
}

function verifySection(v: NonNullable<SummaryInput['verify']>): string[] {
  if (v.findings.length === 0)
    return ['### Consumers', '', `${plural(v.consumers, 'consumer')} at their locked digests.`];
  const out = [
    '### Consumers',
    '',
    `${plural(v.findings.length, 'problem')} in ${plural(v.consumers, 'consumer')}:`,
    '',
    '| Where | Problem |',
    '| --- | --- |',
  ];
  for (const f of v.findings.slice(0, MAX_ROWS))
    out.push(`| \`${escapeCell(`${f.file}:${f.line}`)}\` | ${escapeText(f.message, 300)} |`);
  if (v.findings.length > MAX_ROWS) out.push('', `…and ${v.findings.length - MAX_ROWS} more.`);
  return out;
}

function changeTables(changes: StreamChange[], dryRun: boolean): string[] {
  const out: string[] = [];
  for (const s of changes) {
    if (s.tags.length === 0) continue;
    out.push(`#### ${escapeCell(`${s.namespace}/${s.stream}`)}`, '');
    out.push(`| Tag | Change | From | ${dryRun ? 'Would lock to' : 'Locked to'} | Platforms |`);
    out.push('| --- | --- | --- | --- | --- |');
    for (const t of s.tags.slice(0, MAX_ROWS)) out.push(tagRow(t));
    if (s.tags.length > MAX_ROWS) out.push('', `…and ${s.tags.length - MAX_ROWS} more tags.`);
    out.push('');
  }
  return out;
}

function tagRow(t: TagChange): string {
  const from = t.from ? `\`${escapeCell(shortDigest(t.from.image))}\`` : '—';
  if (t.kind === 'failed') {
    const why = t.error ? `${t.error.reason}: ${t.error.message}` : 'import failed';
    return `| \`${escapeCell(t.tag)}\` | **failed** | ${from} | unchanged (${codeSpan(why, 300)}) | |`;
  }
  const to = t.to ? `\`${escapeCell(t.to.dockerImageReference)}\`` : '—';
  return `| \`${escapeCell(t.tag)}\` | ${t.kind} | ${from} | ${to} | ${platformCell(t.to?.platforms)} |`;
}

function platformCell(platforms: PlatformImage[] | undefined): string {
  if (!platforms?.length) return '';
  return [...platforms]
    .sort((a, b) => formatPlatform(a).localeCompare(formatPlatform(b)))
    .map((p) => `\`${escapeCell(formatPlatform(p))}\` \`${escapeCell(shortDigest(p.digest))}\``)
    .join('<br>');
}

function consumerTable(consumers: ConsumerChange[], dryRun: boolean): string[] {
  if (consumers.length === 0) return [];
  const out = [
    dryRun ? 'Consumers that would follow:' : 'Consumers updated:',
    '',
    '| File | Line | Target | Follows |',
    '| --- | --- | --- | --- |',
  ];
  const sorted = [...consumers].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  for (const c of sorted.slice(0, MAX_ROWS))
    out.push(
      `| \`${escapeCell(c.file)}\` | ${c.line} | ${escapeText(c.target, 200)} | \`${escapeCell(c.follows)}\` |`,
    );
  out.push('');
  return out;
}

function publishSection(p: NonNullable<SummaryInput['publish']>): string[] {
  const out = [`### Publish (${escapeCell(p.mode)})`, ''];
  if (p.skipped) return [...out, `Skipped: ${escapeCell(p.skipped.reason)}`];
  const groups = p.groups.filter((g) => g.status !== 'nothing');
  if (groups.length === 0) return [...out, 'Nothing to publish.'];
  out.push('| Group | Status | Branch | Pull request | Note |', '| --- | --- | --- | --- | --- |');
  for (const g of groups) {
    const pr = g.pullRequest ? `[#${g.pullRequest.number}](${safeLink(g.pullRequest.url)})` : '';
    const note = g.error?.message ?? g.reason ?? '';
    out.push(
      `| \`${escapeCell(g.key)}\` | ${escapeCell(g.status)} | ${g.branch ? `\`${escapeCell(g.branch)}\`` : ''} | ${pr} | ${escapeText(note, 300)} |`,
    );
  }
  return out;
}

function dispatchSection(d: NonNullable<SummaryInput['dispatch']>): string[] {
  const out = ['### Dispatch', ''];
  if (d.moved === 0) return [...out, 'No tag moved; nothing to dispatch.'];
  if (d.results.length === 0) return [...out, `${plural(d.moved, 'tag')} moved; no dispatch targets apply.`];
  out.push('| Tag | Old → new | Target | Status |', '| --- | --- | --- | --- |');
  for (const r of d.results.slice(0, MAX_ROWS)) {
    const status = r.error ? `${r.status}: ${r.error.message}` : r.status;
    out.push(
      `| \`${escapeCell(`${r.namespace}/${r.stream}:${r.tag}`)}\` | \`${escapeCell(shortDigest(r.old ?? undefined))}\` → ` +
        `\`${escapeCell(shortDigest(r.new))}\` | ${escapeText(r.description, 200)} | ${escapeText(status, 300)} |`,
    );
  }
  return out;
}

function safeLink(url: string): string {
  return /^https?:\/\/[^\s<>()[\]`]+$/.test(url) ? url : '#';
}
