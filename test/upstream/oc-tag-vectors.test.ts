import { describe, expect, it } from 'vitest';
import { planTag, type TagCommandOptions } from '../../src/policy/oc-tag.js';
import { listedDisagreements, loadVectors, VectorLedger } from './compat.js';

interface Case {
  name: string;
  currentNamespace: string;
  args: string[];
  options: TagCommandOptions;
  expect: 'ok' | 'error';
  error?: string;
  kind?: string;
  importMode?: string;
  destTag?: string;
}
const v = loadVectors<{ tag: { cases: Case[] } }>('oc-tag.json');

/** oc names namespaces explicitly; here a name in the current namespace is written without one. */
function local(arg: string, ns: string): string {
  return arg.startsWith(`${ns}/`) ? arg.slice(ns.length + 1) : arg;
}

describe('openshift/oc tag vectors', () => {
  it('every command line is accepted or refused as oc does, or the difference is listed', () => {
    const ledger = new VectorLedger('oc-tag');
    for (const c of v.tag.cases) {
      const args = c.args.map((a) => local(a, c.currentNamespace));
      const source = c.options.delete ? undefined : args[0];
      const dests = c.options.delete ? args : args.slice(1);
      let verdict: string;
      let detail = '';
      try {
        const actions = planTag(source, dests, { ...c.options, currentNamespace: c.currentNamespace });
        verdict = 'ok';
        const a = actions[0]!;
        if (a.action === 'set') {
          const from = a.spec.from as { kind?: string } | undefined;
          const kind = from?.kind ?? (a.copyFrom ? 'ImageStreamTag' : undefined);
          const mode = (a.spec.importPolicy as { importMode?: string } | undefined)?.importMode ?? 'Legacy';
          if (c.kind && kind !== c.kind) detail = `kind ${kind} ≠ ${c.kind}`;
          if (c.importMode && mode !== c.importMode) detail = `importMode ${mode} ≠ ${c.importMode}`;
          if (c.destTag && a.dest.tag !== c.destTag) detail = `tag ${a.dest.tag} ≠ ${c.destTag}`;
        }
      } catch (e) {
        verdict = 'error';
        detail = (e as Error).message;
      }
      const agrees = verdict === c.expect && (verdict === 'error' || detail === '');
      ledger.check('tag', c.name, agrees, verdict === c.expect ? detail : `${verdict}: ${detail}`);
    }
    expect(ledger.problems(listedDisagreements())).toEqual({ unlisted: [], stale: [] });
  });
});
