// Consumers: scan a repository of 5,000 files (200 carry triggers or markers) and rewrite them to the lock.
// Baseline in the same run: the naive approach, reading every file and parsing every YAML file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { applyConsumerPlan, findConsumers, planConsumerUpdates } from '../build/consumers/index.js';
import { walkRepository } from '../build/consumers/walk.js';

const TOTAL = 5000;
const WITH_TRIGGERS = 200;
const STREAMS = ['python:3.12', 'node:20', 'redis:7', 'golang:1.22', 'nginx:stable'];
const pin = (s) => `registry.example.com/mirror/${s.split(':')[0]}@sha256:${'ab'.repeat(32)}`;

function deployment(i, s) {
  return `# service ${i}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
  labels: {app: svc-${i}, tier: backend}
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"${s}"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"app\\")].image"}]'
spec:
  replicas: 2
  selector: {matchLabels: {app: svc-${i}}}
  template:
    metadata: {labels: {app: svc-${i}}}
    spec:
      containers:
        - name: app
          image: ${s}   # followed
          ports: [{containerPort: 8080}]
          resources: {limits: {cpu: 500m, memory: 256Mi}}
        - name: proxy
          image: envoyproxy/envoy:v1.30
---
apiVersion: v1
kind: Service
metadata: {name: svc-${i}}
spec: {ports: [{port: 80, targetPort: 8080}], selector: {app: svc-${i}}}
`;
}

function plainYaml(i) {
  const lines = [`apiVersion: v1`, `kind: ConfigMap`, `metadata:`, `  name: cfg-${i}`, `data:`];
  for (let k = 0; k < 30; k++) lines.push(`  key${k}: "value ${i}-${k} with some text"`);
  return `${lines.join('\n')}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s-${i}}\nspec: {ports: [{port: 80}]}\n`;
}

function sourceFile(i) {
  return `// module ${i}\nexport function f${i}(x: number): number {\n${'  x = x * 2 + 1;\n'.repeat(40)}  return x;\n}\n`;
}

function makeRepo() {
  const root = mkdtempSync(join(tmpdir(), 'is-bench-consumers-'));
  const files = {};
  for (let i = 0; i < TOTAL; i++) {
    const s = STREAMS[i % STREAMS.length];
    let path;
    let text;
    if (i < WITH_TRIGGERS) {
      if (i % 4 === 0) {
        path = `services/svc-${i}/Dockerfile`;
        text = `# imagestream: ${s}\nFROM --platform=$BUILDPLATFORM ${s} AS build\nRUN make\nFROM gcr.io/distroless/base\nCOPY --from=build /out /\n`;
      } else if (i % 4 === 1) {
        path = `services/svc-${i}/compose.yaml`;
        text = `services:\n  app:\n    image: ${s} # imagestream: ${s}\n    ports: ["8080:8080"]\n  db:\n    image: postgres:16\n`;
      } else {
        path = `deploy/svc-${i}/deployment.yaml`;
        text = deployment(i, s);
      }
    } else if (i % 2 === 0) {
      path = `deploy/misc-${i % 50}/cfg-${i}.yaml`;
      text = plainYaml(i);
    } else {
      path = `src/pkg-${i % 50}/mod-${i}.ts`;
      text = sourceFile(i);
    }
    files[path] = text;
  }
  // Directories the walk must skip entirely.
  for (let i = 0; i < 200; i++)
    files[`node_modules/dep-${i}/Dockerfile`] = `# imagestream: python:3.12\nFROM python:3.12\n`;
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), t);
  }
  return root;
}

async function ours(root) {
  const t0 = performance.now();
  const walked = await walkRepository({ root, fs });
  const t1 = performance.now();
  const found = findConsumers(walked.files);
  const t2 = performance.now();
  const plan = planConsumerUpdates(found.consumers, (_ns, s, t) => pin(`${s}:${t}`));
  const changed = applyConsumerPlan(walked.files, plan);
  await Promise.all(changed.map((f) => fs.writeFile(join(root, f.path), f.text)));
  const t3 = performance.now();
  return {
    walk: t1 - t0,
    parse: t2 - t1,
    rewrite: t3 - t2,
    seen: walked.seen,
    consumers: found.consumers.length,
    errors: found.errors.length,
    changed: changed.length,
  };
}

async function naive(root) {
  const t0 = performance.now();
  const walked = await walkRepository({ root, fs, candidatesOnly: false });
  let docs = 0;
  for (const f of walked.files) {
    if (/\.ya?ml$/.test(f.path)) docs += parseAllDocuments(f.text).length;
  }
  return { ms: performance.now() - t0, files: walked.files.length, docs };
}

/** The same comparison without I/O: all 5,000 texts in memory, byte scan + parse candidates vs parse all YAML. */
function inMemory(all) {
  const t0 = performance.now();
  const found = findConsumers(all);
  const t1 = performance.now();
  for (const f of all) if (/\.ya?ml$/.test(f.path)) parseAllDocuments(f.text);
  const t2 = performance.now();
  return { ours: t1 - t0, naive: t2 - t1, consumers: found.consumers.length };
}

const root = makeRepo();
try {
  // Warm up (JIT, fs cache) on a throwaway pass of the naive walk, then measure.
  await naive(root);
  const base = await naive(root);
  const r = await ours(root);
  const again = await ours(root); // second run: everything pinned, nothing to write
  const all = (await walkRepository({ root, fs, candidatesOnly: false })).files;
  inMemory(all);
  const mem = inMemory(all);
  const scan = r.walk + r.parse;
  const total = scan + r.rewrite;
  const fmt = (ms) => `${ms.toFixed(1)} ms`;
  console.log(`repository: ${r.seen} files (${WITH_TRIGGERS} with triggers/markers; node_modules skipped)`);
  console.log(
    `scan:    ${fmt(scan)} (walk+byte scan ${fmt(r.walk)}, parse candidates ${fmt(r.parse)}) — ${Math.round(r.seen / (scan / 1000))} files/s`,
  );
  console.log(
    `rewrite: ${fmt(r.rewrite)} (plan + apply + write ${r.changed} files, ${r.consumers} consumers, ${r.errors} errors)`,
  );
  console.log(`total:   ${fmt(total)} (target < 1000 ms) ${total < 1000 ? 'OK' : 'OVER TARGET'}`);
  console.log(
    `re-run:  ${fmt(again.walk + again.parse + again.rewrite)}, ${again.changed} files changed (idempotent)`,
  );
  console.log(`naive baseline (read all + parse every YAML file, ${base.docs} docs): ${fmt(base.ms)}`);
  console.log(`ratio:   scan is ${(base.ms / scan).toFixed(1)}x faster than the naive baseline`);
  console.log(
    `in memory (no I/O, ${all.length} files): findConsumers ${fmt(mem.ours)} vs parse-every-YAML ${fmt(mem.naive)} — ${(mem.naive / mem.ours).toFixed(1)}x`,
  );
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  if (r.changed !== WITH_TRIGGERS || again.changed !== 0 || r.errors !== 0) {
    console.error('unexpected result', r, again);
    process.exitCode = 1;
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
