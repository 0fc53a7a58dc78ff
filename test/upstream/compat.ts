// The disagreements with upstream test vectors that docs/compatibility.md lists, with their reasons.
// The vector tests check the list both ways: an unlisted disagreement fails, and so does a listed one that agrees.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DOC = join(import.meta.dirname, '../../docs/compatibility.md');

/** A vector's id in the table: `<fixture>/<section>/<input>` (inputs over 48 characters cut with "…"). */
export function vectorId(fixture: string, section: string, input: string): string {
  const shown = input.length > 48 ? `${input.slice(0, 48)}…` : input;
  return `${fixture}/${section}/${shown}`;
}

/** Ids listed in the disagreement table (first column, in backticks). */
export function listedDisagreements(): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync(DOC, 'utf8').split('\n')) {
    const m = /^\| `([^`]+)` \|/.exec(line);
    if (m) out.add(m[1]!);
  }
  return out;
}

/** Load a vector file of test/fixtures/upstream. */
export function loadVectors<T>(name: string): T {
  return JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/upstream', name), 'utf8')) as T;
}

/** Collects verdicts of one fixture and checks them against the listed disagreements. */
export class VectorLedger {
  readonly disagreements: string[] = [];
  readonly agreements: string[] = [];
  constructor(readonly fixture: string) {}

  /** Record whether `here` agrees with upstream for one vector; `detail` says how it differs. */
  check(section: string, input: string, agrees: boolean, detail: string): void {
    const id = vectorId(this.fixture, section, input);
    if (agrees) this.agreements.push(id);
    else this.disagreements.push(`${id}  (${detail})`);
  }

  /** Disagreements not listed, and listed ids of this fixture that now agree. */
  problems(listed: Set<string>): { unlisted: string[]; stale: string[] } {
    const unlisted = this.disagreements.filter((d) => !listed.has(d.slice(0, d.indexOf('  ('))));
    const stale = this.agreements.filter((id) => listed.has(id));
    return { unlisted, stale };
  }
}
