import { describe, expect, it } from 'vitest';
import { checkDigest } from '../../src/model/digest.js';
import {
  formatFamiliar,
  formatFull,
  repositoryName,
  tryParseReference,
  withDefaultTag,
} from '../../src/model/reference.js';
import { listedDisagreements, loadVectors, VectorLedger } from './compat.js';

interface RefCase {
  input: string;
  valid: boolean;
  error?: string;
  domain?: string;
  repository?: string;
  tag?: string;
  digest?: string;
  full?: string;
  familiar?: string;
  path?: string;
  fullWithDefaultTag?: string;
}
type Section = { cases: RefCase[] };
const ref = loadVectors<{ parse: Section; parseNormalizedNamed: Section; parseDockerRef: Section }>(
  'distribution-reference.json',
);
const dig = loadVectors<{ parseDigest: Section }>('go-digest.json');
const listed = listedDisagreements();

function verdict(c: RefCase, section: string): { agrees: boolean; detail: string } {
  const r = tryParseReference(c.input);
  if ('error' in r) {
    return { agrees: !c.valid, detail: `refused here: ${r.error.data.reason}; upstream: valid` };
  }
  if (!c.valid) return { agrees: false, detail: `accepted here; upstream: ${c.error ?? 'invalid'}` };
  const got = r.ref;
  const diffs: string[] = [];
  if (c.tag !== undefined && got.tag !== c.tag) diffs.push(`tag ${got.tag} ≠ ${c.tag}`);
  if (c.digest !== undefined && got.digest !== c.digest) diffs.push(`digest ${got.digest} ≠ ${c.digest}`);
  if (section === 'parse') {
    if (c.tag === undefined && got.tag !== undefined) diffs.push(`unexpected tag ${got.tag}`);
    if (c.digest === undefined && got.digest !== undefined) diffs.push(`unexpected digest`);
    // Parse keeps a host-less name as written; normalised, a name with a host must come out the same.
    if (c.repository && /[.:]|^localhost$/.test(c.domain ?? '') && repositoryName(got) !== c.repository)
      diffs.push(`repository ${repositoryName(got)} ≠ ${c.repository}`);
  }
  if (c.full !== undefined && formatFull(got) !== c.full) diffs.push(`full ${formatFull(got)} ≠ ${c.full}`);
  if (c.familiar !== undefined && formatFamiliar(got) !== c.familiar)
    diffs.push(`familiar ${formatFamiliar(got)} ≠ ${c.familiar}`);
  if (c.domain !== undefined && section !== 'parse' && got.domain !== c.domain)
    diffs.push(`domain ${got.domain} ≠ ${c.domain}`);
  if (c.path !== undefined && got.path !== c.path) diffs.push(`path ${got.path} ≠ ${c.path}`);
  if (c.fullWithDefaultTag !== undefined && formatFull(withDefaultTag(got)) !== c.fullWithDefaultTag)
    diffs.push(`${formatFull(withDefaultTag(got))} ≠ ${c.fullWithDefaultTag}`);
  return { agrees: diffs.length === 0, detail: diffs.join('; ') };
}

describe('distribution/reference vectors', () => {
  it('every vector agrees, or its disagreement is listed in docs/compatibility.md with a reason', () => {
    const ledger = new VectorLedger('distribution-reference');
    for (const section of ['parse', 'parseNormalizedNamed', 'parseDockerRef'] as const) {
      for (const c of ref[section].cases) {
        const v = verdict(c, section);
        ledger.check(section, c.input, v.agrees, v.detail);
      }
    }
    expect(ledger.agreements.length).toBeGreaterThan(150);
    expect(ledger.problems(listed)).toEqual({ unlisted: [], stale: [] });
  });
});

describe('opencontainers/go-digest vectors', () => {
  const problemOf: Record<string, string> = {
    ErrDigestInvalidFormat: 'format',
    ErrDigestUnsupported: 'unsupported',
    ErrDigestInvalidLength: 'length',
  };
  it('every vector agrees, or its disagreement is listed in docs/compatibility.md with a reason', () => {
    const ledger = new VectorLedger('go-digest');
    for (const c of dig.parseDigest.cases) {
      const r = checkDigest(c.input);
      const got = 'digest' in r ? 'valid' : r.problem;
      const want = c.valid ? 'valid' : problemOf[c.error ?? '']!;
      ledger.check('parseDigest', c.input, got === want, `here ${got}, upstream ${want}`);
    }
    expect(ledger.problems(listed)).toEqual({ unlisted: [], stale: [] });
  });
});
