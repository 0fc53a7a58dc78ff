// Commit messages (and PR titles) rendered from the structured changes of a run; pure.

import type { DeclarationNote } from '../plan/branch-diff.js';
import type { ConsumerChange, StreamChange, TagChange } from '../plan/changes.js';
import { shortDigest } from '../util/text.js';

/** The trailer that marks a commit as made by imagestreams for a group; the publisher checks it. */
export const GROUP_TRAILER = 'Imagestreams-Group';

export interface CommitMessageOptions {
  /**
   * Message template; placeholders: {{subject}}, {{body}}, {{group}}, {{streams}} (comma-separated
   * ns/stream), {{tags}} (count). Default: "{{subject}}\n\n{{body}}".
   */
  template?: string;
  /** Group key written in the trailer (omitted: no trailer). */
  group?: string;
  /** Declaration edits the commit carries. */
  notes?: DeclarationNote[];
}

/** One-line summary, also the PR title: "Bump ns/python:3.12 to sha256:…" or "Bump 3 tags in 2 image streams". */
export function renderSubject(
  changes: StreamChange[],
  notes: DeclarationNote[] = [],
  consumers: ConsumerChange[] = [],
): string {
  const tags = bumped(changes);
  const streams = new Set(tags.map((t) => `${t.namespace}/${t.stream}`));
  if (tags.length === 0) {
    if (notes.length === 1) return `Change ${notes[0]!.tag} (${notes[0]!.kind})`;
    if (notes.length > 1) return `Change ${notes.length} image stream tag declarations`;
    if (consumers.length > 0)
      return `Pin ${consumers.length === 1 ? '1 consumer' : `${consumers.length} consumers`} to the locked images`;
    return 'Record image stream import results';
  }
  if (tags.length === 1) {
    const t = tags[0]!;
    const promoted = notes.find(
      (n) => n.kind === 'promoted' && n.tag === `${t.namespace}/${t.stream}:${t.tag}`,
    );
    if (promoted?.kind === 'promoted')
      return `Promote ${promoted.source} to ${promoted.tag} at ${shortDigest(t.to?.image)}`;
    const verb = t.kind === 'new' ? 'Lock' : t.kind === 'rollback' ? 'Roll back' : 'Bump';
    return `${verb} ${t.namespace}/${t.stream}:${t.tag} to ${shortDigest(t.to?.image)}`;
  }
  if (streams.size === 1) return `Bump ${tags.length} tags of ${[...streams][0]}`;
  return `Bump ${tags.length} tags in ${streams.size} image streams`;
}

/** The full commit message: subject, one line per tag, the consumer files, and the group trailer. */
export function renderCommitMessage(
  changes: StreamChange[],
  consumers: ConsumerChange[],
  opts: CommitMessageOptions = {},
): string {
  const lines: string[] = [];
  for (const s of changes) {
    for (const t of s.tags) {
      const name = `${t.namespace}/${t.stream}:${t.tag}`;
      if (t.kind === 'failed')
        lines.push(
          `- ${name}: import failed (${t.error?.reason ?? 'unknown'}), kept ${shortDigest(t.from?.image)}`,
        );
      else if (t.kind === 'new') lines.push(`- ${name}: ${shortDigest(t.to?.image)} (new)`);
      else
        lines.push(
          `- ${name}: ${shortDigest(t.from?.image)} -> ${shortDigest(t.to?.image)}${t.kind === 'rollback' ? ' (rollback)' : ''}`,
        );
    }
  }
  for (const n of opts.notes ?? []) {
    const what =
      n.kind === 'promoted'
        ? `promoted from ${n.source}`
        : n.kind === 'repointed'
          ? `re-pointed to ${n.now}`
          : n.kind === 'added'
            ? `added, from ${n.now}`
            : n.kind === 'removed'
              ? 'removed'
              : n.kind === 'soaking'
                ? `${shortDigest(n.image)} soaking until ${n.eligibleAt}`
                : n.kind === 'selected'
                  ? `tag policy chose ${n.now} (was ${n.was ?? 'none'})`
                  : n.kind === 'missing-platform'
                    ? `${shortDigest(n.image)} held back, lacks ${n.missing.join(', ')}`
                    : `rolled back to ${shortDigest(n.to)}`;
    lines.push(`- ${n.tag}: ${what}`);
  }
  const files = [...new Set(consumers.map((c) => c.file))].sort();
  if (files.length > 0) {
    lines.push('', 'Consumers updated:');
    for (const f of files) lines.push(`- ${f}`);
  }
  const streams = [...new Set(changes.map((s) => `${s.namespace}/${s.stream}`))].sort();
  const values: Record<string, string> = {
    subject: renderSubject(changes, opts.notes, consumers),
    body: lines.join('\n'),
    group: opts.group ?? '',
    streams: streams.join(', '),
    tags: String(bumped(changes).length),
  };
  const template = opts.template ?? '{{subject}}\n\n{{body}}';
  let text = template.replace(/\{\{(\w+)\}\}/g, (m, k: string) => values[k] ?? m).trimEnd();
  if (opts.group) text += `\n\n${GROUP_TRAILER}: ${opts.group}`;
  return `${text}\n`;
}

/** True when a commit message carries the trailer of `group`. */
export function hasGroupTrailer(message: string, group: string): boolean {
  return message.split('\n').some((l) => l.trim() === `${GROUP_TRAILER}: ${group}`);
}

function bumped(changes: StreamChange[]): TagChange[] {
  return changes.flatMap((s) => s.tags).filter((t) => t.kind !== 'failed');
}
