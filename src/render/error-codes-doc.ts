// docs/error-codes.md rendered from the catalogue, so the page lists every code and never drifts from it; pure.

import { ERROR_CATALOGUE, type ErrorArea, type ErrorCode } from '../model/error-codes.js';

const AREA_TITLES: Record<ErrorArea, string> = {
  declarations: 'Declarations',
  config: 'Config (.imagestreams.yaml)',
  lock: 'Lock files',
  consumers: 'Consumers',
  edit: 'Declaration edits',
  registry: 'Registry',
  git: 'Git',
  github: 'GitHub',
  publish: 'Publishing',
  dispatch: 'Dispatch',
  usage: 'Usage and internal',
};

/** A table cell: pipes escaped, so a hint never breaks the table. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The whole page, grouped by area in catalogue order. */
export function renderErrorCodesDoc(): string {
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from src/model/error-codes.ts: run `UPDATE_DOCS=1 npx vitest run test/docs/error-codes.test.ts`. -->',
    '',
    'Every error, diagnostic and publish skip carries a stable `code` (match on it, never on the message) and a',
    '`hint`: how to fix it, or what to do next. `--json` outputs carry both. *Retry* says whether a retry may help',
    'by default (temporary) or the input must change first (permanent); some raise sites decide per case (a',
    'timeout, an HTTP 5xx answer).',
  ];
  const codes = Object.keys(ERROR_CATALOGUE) as ErrorCode[];
  for (const area of Object.keys(AREA_TITLES) as ErrorArea[]) {
    const inArea = codes.filter((c) => ERROR_CATALOGUE[c].area === area);
    if (inArea.length === 0) continue;
    lines.push('', `## ${AREA_TITLES[area]}`, '', '| Code | Retry | Hint |', '| --- | --- | --- |');
    for (const c of inArea) {
      const info = ERROR_CATALOGUE[c];
      lines.push(`| \`${c}\` | ${info.permanent ? 'permanent' : 'temporary'} | ${cell(info.hint)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
