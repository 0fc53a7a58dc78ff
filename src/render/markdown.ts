// Markdown for text we do not control (registry answers, file contents): code spans that nothing can break out
// of, escaped prose with @mentions neutralised, and a size budget that drops whole sections but never the ones
// marked to keep (the rollback instructions). Pure; used by PR bodies, plan comments and job summaries.

import { oneLine } from '../model/text.js';

/**
 * An inline code span of untrusted text, safe in a table cell: one line, bounded, backticks replaced (they would
 * close the span) and `|` escaped (it would end the cell). Inside a code span nothing renders: no link, image,
 * HTML or @mention.
 */
export function codeSpan(s: string, max = 200): string {
  const t = oneLine(s, max).replace(/`/g, "'").replace(/\|/g, '\\|');
  return t === '' ? '' : `\`${t}\``;
}

/** Text for a Markdown table cell inside a code span: backticks become `'`, `|` escaped, `<>` entities, one line. */
export function escapeCell(s: string): string {
  return s.replace(
    /[`|<>\r\n]/g,
    (c) => ({ '`': "'", '|': '\\|', '<': '&lt;', '>': '&gt;', '\r': ' ', '\n': ' ' })[c] ?? c,
  );
}

/**
 * Untrusted text as Markdown prose (never at the start of a line): one line, bounded, the characters of inline
 * Markdown and HTML backslash-escaped, `@` made an entity (no mention) and `://` / `www.` broken (no autolink).
 */
export function escapeText(s: string, max = 200): string {
  return oneLine(s, max)
    .replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c)
    .replace(/[\\`*_[\]()!|~]/g, (c) => `\\${c}`)
    .replace(/^([#+=-])/, '\\$1')
    .replace(/@/g, '&#64;')
    .replace(/:\/\//g, ':&#47;&#47;')
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}&#46;`);
}

/** A piece of a document: kept whole or left out whole (never cut inside a table, a fence or `<details>`). */
export interface Section {
  text: string;
  /** Always kept, whatever the budget (the intro, the rollback instructions, the footer). */
  keep?: boolean;
}

/**
 * Join sections within `max` characters: the sections to keep always; the others in order while they fit; when
 * one does not fit, it and every later optional section are left out and `omitted(n)` says so.
 */
export function withinBudget(sections: Section[], max: number, omitted: (n: number) => string): string {
  const reserved = sections.filter((s) => s.keep).reduce((n, s) => n + s.text.length, 0);
  let room = max - reserved - omitted(sections.length).length;
  let dropped = 0;
  let noteAt = -1;
  const out: string[] = [];
  for (const s of sections) {
    if (s.keep) {
      if (dropped > 0 && noteAt < 0) noteAt = out.push('') - 1;
      out.push(s.text);
    } else if (dropped === 0 && s.text.length <= room) {
      out.push(s.text);
      room -= s.text.length;
    } else {
      dropped++;
    }
  }
  if (dropped > 0) {
    if (noteAt < 0) noteAt = out.push('') - 1;
    out[noteAt] = omitted(dropped);
  }
  return out.join('');
}
