// One tag's collapsible details in the pull request body (src/render/pr-body.ts): images, registry metadata (untrusted,
// in code spans), a compare link between source revisions, and the per-platform digests.

import { formatPlatform } from '../model/platform.js';
import type { ImageMetadata, TagChange } from '../plan/changes.js';
import { shortDigest } from '../util/text.js';
import { codeSpan, escapeCell } from './markdown.js';

/** Platform rows shown per tag; the rest are counted. */
const MAX_PLATFORM_ROWS = 50;

/** A compare link between two revisions of the same github.com source, else null. */
export function compareUrl(from?: ImageMetadata, to?: ImageMetadata): string | null {
  if (!from?.source || !to?.source || !from.revision || !to.revision) return null;
  const a = githubRepoUrl(from.source);
  const b = githubRepoUrl(to.source);
  if (!a || a !== b || !isRevision(from.revision) || !isRevision(to.revision)) return null;
  return `${a}/compare/${from.revision}...${to.revision}`;
}

/** One tag as a collapsed block: source, old and new image, metadata, platforms, how to roll back. */
export function tagDetails(t: TagChange, cmd: string): string[] {
  const name = `${t.namespace}/${t.stream}:${t.tag}`;
  const lines = [`<details><summary><code>${html(name)}</code> — ${t.kind}</summary>`, ''];
  lines.push(
    `- Imports from \`${escapeCell(t.source)}\`${t.follows ? ` (follows \`${escapeCell(t.follows)}\`)` : ''}`,
  );
  if (t.from)
    lines.push(`- Old: \`${escapeCell(t.from.image)}\` (\`${escapeCell(t.from.dockerImageReference)}\`)`);
  if (t.to && t.kind !== 'failed')
    lines.push(`- New: \`${escapeCell(t.to.image)}\` (\`${escapeCell(t.to.dockerImageReference)}\`)`);
  if (t.kind === 'failed' && t.error)
    lines.push(`- Import error: ${codeSpan(t.error.reason, 60)}: ${codeSpan(t.error.message, 300)}`);
  if (t.fromMetadata?.created || t.toMetadata?.created) {
    lines.push(
      `- Image created: ${codeSpan(t.fromMetadata?.created ?? '?', 40)} → ${codeSpan(t.toMetadata?.created ?? '?', 40)}`,
    );
  }
  const src = t.toMetadata?.source ?? t.fromMetadata?.source;
  if (src) lines.push(`- Source: ${codeSpan(src, 200)}`);
  const rf = t.fromMetadata?.revision;
  const rt = t.toMetadata?.revision;
  if (rf || rt) {
    const cmp = compareUrl(t.fromMetadata, t.toMetadata);
    if (rf && rt && rf === rt)
      lines.push(`- Revision: ${codeSpan(rt, 100)} (same source revision: a rebuild)`);
    else
      lines.push(
        `- Revision: ${codeSpan(rf ?? '?', 100)} → ${codeSpan(rt ?? '?', 100)}${cmp ? ` ([compare](${cmp}))` : ''}`,
      );
  }
  const platforms = platformRows(t);
  if (platforms.length > 0) {
    lines.push('', '| Platform | From | To |', '| --- | --- | --- |', ...platforms);
  }
  if (t.kind !== 'failed') lines.push('', `Roll back after merging: \`${cmd} rollback ${escapeCell(name)}\``);
  lines.push('', '</details>');
  return lines;
}

function platformRows(t: TagChange): string[] {
  const from = new Map((t.from?.platforms ?? []).map((p) => [formatPlatform(p), p.digest]));
  const to = new Map(
    (t.kind === 'failed' ? [] : (t.to?.platforms ?? [])).map((p) => [formatPlatform(p), p.digest]),
  );
  const keys = [...new Set([...from.keys(), ...to.keys()])].sort();
  const rows = keys.slice(0, MAX_PLATFORM_ROWS).map((k) => {
    const a = from.get(k);
    const b = to.get(k);
    const right = !b ? '**removed**' : a === b ? 'unchanged' : codeSpan(shortDigest(b));
    return `| ${codeSpan(k, 100)} | ${a ? codeSpan(shortDigest(a)) : '(new platform)'} | ${right} |`;
  });
  if (keys.length > rows.length) rows.push(`| …and ${keys.length - rows.length} more | | |`);
  return rows;
}

function githubRepoUrl(source: string): string | null {
  const m = /^https:\/\/github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(source.trim());
  return m ? `https://github.com/${m[1]}/${m[2]}` : null;
}

function isRevision(r: string): boolean {
  return /^[0-9a-f]{7,64}$/i.test(r) || /^[\w.-]{1,100}$/.test(r);
}

function html(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}
