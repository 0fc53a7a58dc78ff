import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { applyConsumerPlan, findConsumers, planConsumerUpdates } from '../../src/consumers/index.js';
import { listedDisagreements, loadVectors, VectorLedger } from './compat.js';

interface Case {
  name: string;
  triggers: unknown[] | null;
  containers: Record<string, string>;
  tags: { namespace: string; name: string; ref: string }[];
  expect: 'error' | 'unchanged' | 'updated';
  after?: Record<string, string>;
}
const v = loadVectors<{ annotationsReactor: { cases: Case[] } }>('library-go-trigger.json');

/** The StatefulSet the upstream test builds: containers sorted by name, "-name" for init containers. */
function statefulSet(c: Case): string {
  const names = Object.keys(c.containers).sort();
  const list = (init: boolean) =>
    names
      .filter((n) => n.startsWith('-') === init)
      .map((n) => ({ name: init ? n.slice(1) : n, image: c.containers[n] }));
  const spec: Record<string, unknown> = {};
  if (list(true).length) spec.initContainers = list(true);
  if (list(false).length) spec.containers = list(false);
  const obj = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name: 'test',
      namespace: 'default',
      ...(c.triggers ? { annotations: { 'image.openshift.io/triggers': JSON.stringify(c.triggers) } } : {}),
    },
    spec: { template: { spec } },
  };
  return stringify(obj, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
}

function imagesOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /- name: "([^"]+)"\n\s+image: "([^"]*)"/g;
  const init = text.indexOf('initContainers:');
  for (const m of text.matchAll(re)) {
    const isInit =
      init >= 0 &&
      m.index! > init &&
      (text.indexOf('containers:', init + 15) < 0 || m.index! < text.indexOf('\n      containers:'));
    out[isInit ? `-${m[1]}` : m[1]!] = m[2]!;
  }
  return out;
}

/** How our finder and planner differ from a reactor's verdict on one case ('' when they agree). */
function disagreement(
  file: { path: string; text: string },
  c: {
    tags: { namespace: string; name: string; ref: string }[];
    expect: string;
    after?: Record<string, string> | null;
  },
): string {
  const found = findConsumers([file], { defaultNamespace: 'default' });
  const errors = found.errors.filter((e) => e.severity !== 'warning');
  const refs = new Map(c.tags.map((t) => [`${t.namespace}/${t.name}`, t.ref]));
  const plan = planConsumerUpdates(found.consumers, (ns, s, t) => refs.get(`${ns}/${s}:${t}`));
  const changed = applyConsumerPlan([file], plan);
  const got = errors.length > 0 ? 'error' : changed.length > 0 ? 'updated' : 'unchanged';
  let detail = got === c.expect ? '' : `here ${got}${errors[0] ? ` (${errors[0].message})` : ''}`;
  if (got === 'updated' && c.after) {
    const after = imagesOf(changed[0]!.text);
    if (JSON.stringify(after) !== JSON.stringify(c.after)) detail = `images ${JSON.stringify(after)}`;
  }
  return detail;
}

describe('openshift/library-go image trigger vectors', () => {
  it('every case errs, stays or updates as the annotation reactor does, or the difference is listed', () => {
    const ledger = new VectorLedger('library-go-trigger');
    for (const c of v.annotationsReactor.cases) {
      const detail = disagreement({ path: 'sts.yaml', text: statefulSet(c) }, c);
      ledger.check('annotationsReactor', c.name, detail === '', detail);
    }
    expect(ledger.problems(listedDisagreements())).toEqual({ unlisted: [], stale: [] });
  });
});

interface DcCase {
  name: string;
  params: Record<string, unknown>[] | null;
  containers: Record<string, string> | null;
  tags: { namespace: string; name: string; ref: string }[];
  expect: 'error' | 'unchanged' | 'updated';
  after?: Record<string, string>;
}
const dc = loadVectors<{ deploymentConfigReactor: { cases: DcCase[] } }>(
  'openshift-controller-manager-dc-trigger.json',
);

function deploymentConfig(c: DcCase): string {
  const containers = Object.keys(c.containers ?? {})
    .sort()
    .map((name) => ({ name, image: c.containers![name] }));
  const obj = {
    apiVersion: 'apps.openshift.io/v1',
    kind: 'DeploymentConfig',
    metadata: { name: 'test', namespace: 'default' },
    spec: {
      ...(c.params ? { triggers: c.params.map((p) => ({ type: 'ImageChange', imageChangeParams: p })) } : {}),
      template: { spec: containers.length ? { containers } : {} },
    },
  };
  return stringify(obj, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
}

describe('openshift-controller-manager DeploymentConfig trigger vectors', () => {
  it('every case stays or updates as the DeploymentConfig reactor does, or the difference is listed', () => {
    const ledger = new VectorLedger('openshift-controller-manager-dc-trigger');
    for (const c of dc.deploymentConfigReactor.cases) {
      const detail = disagreement({ path: 'dc.yaml', text: deploymentConfig(c) }, c);
      ledger.check('deploymentConfigReactor', c.name, detail === '', detail);
    }
    expect(ledger.problems(listedDisagreements())).toEqual({ unlisted: [], stale: [] });
  });
});
