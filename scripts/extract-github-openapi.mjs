#!/usr/bin/env node
// Extracts the few GitHub REST operations imagestreams uses from GitHub's official OpenAPI description
// (npm package @octokit/openapi, ~400 MB unpacked, deliberately not a dependency) into a small checked-in file,
// test/fixtures/github-openapi/operations.json, that the fake GitHub API validates every request and response
// against. Every `$ref` is inlined; a recursive reference is cut to `{}` (documented in the output).
//
// Usage: node scripts/extract-github-openapi.mjs [path/to/api.github.com.json | path/to/openapi.tgz]
// Without an argument it runs `npm pack @octokit/openapi@<version>` into a temporary directory.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@octokit/openapi@23.0.2';
const MEMBER = 'package/generated/api.github.com.json';

/** operationId → why imagestreams calls it. */
const OPERATIONS = {
  'pulls/create': 'open the PR of a stream or group',
  'pulls/list': 'find the PR of a branch (head=owner:branch)',
  'pulls/get': 'read one PR',
  'pulls/update': 'update title/body, close',
  'pulls/request-reviewers': 'reviewers and team reviewers',
  'issues/add-labels': 'labels',
  'issues/add-assignees': 'assignees',
  'issues/create-comment': 'report a skipped branch on the PR',
  'issues/update-comment': 'keep one comment up to date',
  'issues/list-comments': 'find that comment',
  'repos/get': 'permissions of the token, default branch',
  'repos/create-dispatch-event': 'repository_dispatch triggers',
  'actions/create-workflow-dispatch': 'workflow_dispatch triggers',
  'git/delete-ref': 'delete a branch',
  'git/create-blob': 'signCommits: upload a changed file',
  'git/create-tree': 'signCommits: the branch tree on the base tree',
  'git/create-commit': 'signCommits: a commit GitHub signs as the token',
  'git/get-ref': 'signCommits: re-read the branch before moving it (the lease)',
  'git/create-ref': 'signCommits: a new branch',
  'git/update-ref': 'signCommits: move an existing branch',
  'repos/compare-commits':
    "signCommits: is a branch commit's parent on the base (shallow checkouts cannot tell)",
  'issues/list-for-repo': 'dashboard: find the issue by label and marker',
  'issues/get': 'dashboard: re-read the issue before writing it',
  'issues/create': 'dashboard: create the issue on the first run',
  'issues/update': 'dashboard: update the issue in place',
};

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'test', 'fixtures', 'github-openapi', 'operations.json');

function load(arg) {
  if (arg?.endsWith('.json')) return { spec: JSON.parse(readFileSync(arg, 'utf8')), source: arg };
  const tmp = mkdtempSync(join(tmpdir(), 'octokit-openapi-'));
  try {
    let tgz = arg;
    if (!tgz) {
      const name = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', tmp], {
        encoding: 'utf8',
      }).trim();
      tgz = join(tmp, name.split('\n').pop());
    }
    execFileSync('tar', ['-xzf', tgz, '-C', tmp, MEMBER]);
    return { spec: JSON.parse(readFileSync(join(tmp, MEMBER), 'utf8')), source: `${PACKAGE} ${MEMBER}` };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function resolvePointer(spec, ref) {
  if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node, key) => node?.[key], spec);
}

/** Inlines every $ref; `stack` holds the refs being expanded, so a cycle becomes `{}`. */
function inline(spec, node, stack, cut) {
  if (Array.isArray(node)) return node.map((n) => inline(spec, n, stack, cut));
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') {
    if (stack.includes(node.$ref)) {
      cut.add(node.$ref);
      return {};
    }
    return inline(spec, resolvePointer(spec, node.$ref), [...stack, node.$ref], cut);
  }
  const outNode = {};
  for (const [k, v] of Object.entries(node)) {
    // Examples and prose are large and not used for validation.
    if (k === 'examples' || k === 'example' || (k === 'description' && typeof v === 'string')) continue;
    outNode[k] = inline(spec, v, stack, cut);
  }
  return outNode;
}

const { spec, source } = load(process.argv[2]);
const operations = {};
const cut = new Set();
for (const [path, item] of Object.entries(spec.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (!op || typeof op !== 'object' || !(op.operationId in OPERATIONS)) continue;
    const parameters = inline(spec, [...(item.parameters ?? []), ...(op.parameters ?? [])], [], cut);
    const body = op.requestBody ? inline(spec, op.requestBody, [], cut) : undefined;
    const responses = {};
    for (const [status, res] of Object.entries(op.responses)) {
      const r = inline(spec, res, [], cut);
      const content = r.content?.['application/json'] ?? r.content?.['application/scim+json'];
      responses[status] = content ? { schema: content.schema } : {};
    }
    operations[op.operationId] = {
      why: OPERATIONS[op.operationId],
      method: method.toUpperCase(),
      path,
      parameters: parameters.map((p) => ({
        name: p.name,
        in: p.in,
        required: !!p.required,
        schema: p.schema,
      })),
      ...(body
        ? { requestBody: { required: !!body.required, schema: body.content?.['application/json']?.schema } }
        : {}),
      responses,
    };
  }
}
const missing = Object.keys(OPERATIONS).filter((id) => !operations[id]);
if (missing.length) throw new Error(`operations not found in ${source}: ${missing.join(', ')}`);

const doc = {
  $comment: 'Generated by scripts/extract-github-openapi.mjs — do not edit by hand.',
  source,
  openapi: spec.openapi,
  apiVersion: spec.info?.version,
  recursiveRefsCut: [...cut].sort(),
  operations: Object.fromEntries(Object.entries(operations).sort(([a], [b]) => a.localeCompare(b))),
};
writeFileSync(out, `${JSON.stringify(doc, null, 1)}\n`);
process.stdout.write(`wrote ${out} (${Object.keys(operations).length} operations from ${source})\n`);
