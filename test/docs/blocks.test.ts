// Every YAML and JSON block in README.md and docs/ parses, and every workflow shown there or shipped in
// examples/workflows validates with GitHub's own workflow parser (@actions/workflow-parser) and follows the
// hardening advice the docs give: actions pinned by full commit SHA with a version comment, outputs reach
// scripts through env:, explicit least permissions, a concurrency group.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');

/** The Action as the docs show it before a release exists: replace OWNER and the SHA (docs/action.md#install). */
const ACTION_PLACEHOLDER = /^OWNER\/imagestreams@FULL_COMMIT_SHA$/;

interface Block {
  where: string;
  lang: string;
  text: string;
}

function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(ROOT, 'docs', f));
  return [join(ROOT, 'README.md'), ...docs];
}

/** Fenced blocks with their language and the line they start on. */
function blocks(file: string): Block[] {
  const out: Block[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const start = i + 1;
    let j = start;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) j++;
    out.push({
      where: `${relative(ROOT, file)}:${start}`,
      lang: open[2]!,
      text: lines
        .slice(start, j)
        .map((l) => l.slice(indent))
        .join('\n'),
    });
    i = j;
  }
  return out;
}

const all = markdownFiles().flatMap(blocks);
const yamlBlocks = all.filter((b) => b.lang === 'yaml' || b.lang === 'yml');
const jsonBlocks = all.filter((b) => b.lang === 'json');

function yamlErrors(text: string): string[] {
  return parseAllDocuments(text).flatMap((d) => d.errors.map((e) => e.message));
}

function isWorkflow(text: string): boolean {
  return /^on:/m.test(text) && /^jobs:/m.test(text);
}

const exampleWorkflows = readdirSync(join(ROOT, 'examples', 'workflows'))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => ({
    where: `examples/workflows/${f}`,
    text: readFileSync(join(ROOT, 'examples', 'workflows', f), 'utf8'),
  }));
const workflows = [
  ...yamlBlocks.filter((b) => isWorkflow(b.text)).map(({ where, text }) => ({ where, text })),
  ...exampleWorkflows,
];

function workflowErrors(where: string, text: string): string[] {
  const r = parseWorkflow({ name: where, content: text }, new NoOperationTraceWriter());
  return r.context.errors.getErrors().map((e) => e.message);
}

describe('blocks in README.md and docs/', () => {
  it('finds the blocks (the extractor works)', () => {
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(10);
    expect(workflows.length).toBeGreaterThanOrEqual(6);
  });

  it.each(yamlBlocks.map((b) => [b.where, b] as const))('YAML at %s parses', (_, b) => {
    expect(yamlErrors(b.text)).toEqual([]);
  });

  it.each(jsonBlocks.map((b) => [b.where, b] as const))('JSON at %s parses', (_, b) => {
    expect(() => JSON.parse(b.text)).not.toThrow();
  });

  it('the parser used here rejects what GitHub rejects (the README quick-start as it was)', () => {
    const broken = [
      'on: {schedule: [{cron: "17 * * * *"}]}',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
      'concurrency: {group: imagestreams-${{ github.repository }}, cancel-in-progress: false}',
      'jobs:',
      '  reconcile:',
      '    runs-on: ubuntu-latest',
      '    steps: [{run: echo}]',
      '',
    ].join('\n');
    expect(yamlErrors(broken).length + workflowErrors('broken.yml', broken).length).toBeGreaterThan(0);
    const badKey =
      'on: push\njobs:\n  a:\n    runs-on: x\n    permissions: {bogus: write}\n    steps: [{run: echo}]\n';
    expect(workflowErrors('bad.yml', badKey)).not.toEqual([]);
  });
});

describe('workflows in README.md, docs/ and examples/workflows', () => {
  it.each(workflows.map((w) => [w.where, w] as const))(
    '%s validates with @actions/workflow-parser',
    (_, w) => {
      expect(workflowErrors(w.where, w.text)).toEqual([]);
    },
  );

  const withUses = [
    ...yamlBlocks.filter((b) => /uses:/.test(b.text)).map(({ where, text }) => ({ where, text })),
    ...exampleWorkflows,
  ];
  it.each(withUses.map((w) => [w.where, w] as const))('%s pins every action by full commit SHA', (_, w) => {
    for (const m of w.text.matchAll(/uses:\s*(\S+)(.*)$/gm)) {
      const [uses, rest] = [m[1]!, m[2]!];
      if (uses.startsWith('./')) continue;
      const pinned = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(uses) || ACTION_PLACEHOLDER.test(uses);
      expect(pinned, `${w.where}: ${uses}`).toBe(true);
      expect(rest, `${w.where}: ${uses} needs a "# vX.Y.Z" comment`).toMatch(/#\s*v\d+(\.\d+)*/);
    }
  });

  it.each(workflows.map((w) => [w.where, w] as const))(
    '%s never expands an expression inside run:',
    (_, w) => {
      const docs = parseAllDocuments(w.text).map((d) => d.toJS() as Record<string, unknown>);
      for (const doc of docs) {
        const jobs = Object.values((doc.jobs ?? {}) as Record<string, { steps?: { run?: string }[] }>);
        for (const step of jobs.flatMap((j) => j.steps ?? [])) {
          expect(step.run ?? '', w.where).not.toContain('${{');
        }
      }
    },
  );

  it.each(exampleWorkflows.map((w) => [w.where, w] as const))(
    '%s sets permissions and a concurrency group',
    (_, w) => {
      const doc = parseAllDocuments(w.text)[0]!.toJS() as Record<string, unknown>;
      expect(doc.permissions, w.where).toBeTypeOf('object');
      expect((doc.concurrency as { group?: string } | undefined)?.group, w.where).toMatch(/^imagestreams-/);
    },
  );

  it('the dispatch example may send workflow_dispatch (actions: write) and asks for nothing it does not use', () => {
    const w = exampleWorkflows.find((x) => x.where.endsWith('imagestreams-dispatch.yml'))!;
    const doc = parseAllDocuments(w.text)[0]!.toJS() as { permissions: Record<string, string> };
    expect(doc.permissions).toEqual({ contents: 'read', actions: 'write' });
  });
});

describe('install instructions', () => {
  const texts = [
    ...markdownFiles().map((f) => [relative(ROOT, f), readFileSync(f, 'utf8')] as const),
    ...exampleWorkflows.map((w) => [w.where, w.text] as const),
  ];
  it.each(texts)('%s never runs an unpublished npm name (npx --yes, npm install imagestreams)', (_, text) => {
    expect(text).not.toMatch(/npx\s+(--yes|-y)\b/);
    expect(text).not.toMatch(/npm (install|i)\b[^\n]*\simagestreams\b/);
    expect(text).not.toMatch(/OWNER\/imagestreams@v\d/);
  });
});

describe('the README comparison table', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Compared with'), readme.indexOf('## Development'));
  const rows = section.split('\n').filter((l) => /^\| [a-z]/.test(l));

  it('names, for every claim, a test that exists (or says "not yet")', () => {
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const row of rows) {
      const [, claim, testedBy] = row.split(' | ').map((c) => c.trim());
      if (/^not yet/.test(claim!)) continue;
      const files = [...testedBy!.matchAll(/`(test\/[^`]+\.test\.ts)`: ([^;|]+)/g)];
      expect(files.length, row).toBeGreaterThan(0);
      for (const [, file, names] of files) {
        const text = readFileSync(join(ROOT, file!), 'utf8');
        for (const [, quoted] of names!.matchAll(/"([^"]+?)(?:…)?"/g))
          expect(text, `${file}: ${quoted}`).toContain(quoted);
        for (const [, golden] of names!.matchAll(/`([a-z0-9-]+)`/g)) {
          const dir = file!.includes('consumers') ? 'consumers' : 'reconcile';
          expect(
            () => readdirSync(join(ROOT, 'test', 'golden', dir, golden!)),
            `${dir}/${golden}`,
          ).not.toThrow();
        }
      }
    }
  });
});
