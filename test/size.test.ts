// Size limits (issue #13): no file in src/ over 300 lines and no function over 80 lines unless it says why. A long
// file carries a `// Long: <reason>` comment in its header (before the first statement); a long function carries
// one in the comment directly above it (a `//` line or a JSDoc line starting with `Long:`). Functions are found
// with the TypeScript compiler API, so a new long function fails here with its file, line and length.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..', 'src');
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 80;
/** A reason: a comment line whose text starts with `Long:` followed by words. */
const REASON = /^\s*(?:\/\/|\/\*\*?|\*)\s*Long:\s*\S/m;

/**
 * Files and functions over the limits that belong to work in flight elsewhere (p2app: app/, dispatch/; p2edits:
 * entry/). Named one by one as `file` or `file#function`; empty it as they are split. An entry that is no longer
 * over the limit fails the last test, so the list only shrinks.
 */
const ALLOWED = new Set<string>([]);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.generated.ts') // generated code (ajv standalone) is not read by people
        ? [join(dir, e.name)]
        : [],
  );
}

interface Over {
  /** `file` or `file#function`, as in ALLOWED. */
  key: string;
  /** Where and how long, for the failure message. */
  at: string;
  lines: number;
  /** The `Long:` reason is written where it belongs. */
  reasoned: boolean;
}

type FunctionNode = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

function isFunction(n: ts.Node): n is FunctionNode {
  return (
    ts.isFunctionDeclaration(n) ||
    ts.isFunctionExpression(n) ||
    ts.isArrowFunction(n) ||
    ts.isMethodDeclaration(n)
  );
}

/** A function's name: its own, its variable's or property's, else `<anon in outer>`. */
function nameOf(n: FunctionNode, outer: string | undefined): string {
  if (n.name) return n.name.getText();
  const p = n.parent;
  if ((ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p)) && p.name) return p.name.getText();
  return `<anon in ${outer ?? 'module'}>`;
}

/** The node whose leading comments describe the function: the statement or property that holds it. */
function commentHolder(n: FunctionNode): ts.Node {
  const p = n.parent;
  if (ts.isVariableDeclaration(p) && ts.isVariableDeclarationList(p.parent)) return p.parent.parent;
  if (ts.isPropertyAssignment(p)) return p;
  return n;
}

function leadingComments(text: string, node: ts.Node): string {
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  return ranges.map((r) => text.slice(r.pos, r.end)).join('\n');
}

function measure(file: string): Over[] {
  const text = readFileSync(file, 'utf8');
  const rel = relative(SRC, file);
  const out: Over[] = [];
  const lines = text.split('\n').length;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  if (lines > MAX_FILE_LINES) {
    const first = sf.statements[0];
    const header = first ? leadingComments(text, first) : text;
    out.push({ key: rel, at: rel, lines, reasoned: REASON.test(header) });
  }
  const line = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line;
  const visit = (n: ts.Node, outer: string | undefined): void => {
    let name = outer;
    if (isFunction(n)) {
      name = nameOf(n, outer);
      const start = line(n.getStart());
      const length = line(n.getEnd()) - start + 1;
      if (length > MAX_FUNCTION_LINES) {
        const reasoned = REASON.test(leadingComments(text, commentHolder(n)));
        out.push({ key: `${rel}#${name}`, at: `${rel}:${start + 1} ${name}`, lines: length, reasoned });
      }
    }
    ts.forEachChild(n, (c) => visit(c, name));
  };
  visit(sf, undefined);
  return out;
}

const over = files(SRC).flatMap(measure);

describe('size limits', () => {
  it(`no file over ${MAX_FILE_LINES} lines and no function over ${MAX_FUNCTION_LINES} without a Long: reason`, () => {
    const unexplained = over
      .filter((o) => !o.reasoned && !ALLOWED.has(o.key))
      .map((o) => `${o.at} (${o.lines} lines): split it, or write "// Long: <why>" above it`);
    expect(unexplained).toEqual([]);
  });

  it('the allowlist names only what is still over the limit', () => {
    const still = new Set(over.filter((o) => !o.reasoned).map((o) => o.key));
    const stale = [...ALLOWED].filter((k) => !still.has(k));
    expect(stale, 'now within the limit (or reasoned): remove from ALLOWED in test/size.test.ts').toEqual([]);
  });

  it('finds long functions and reads the Long: marker (self-check on a sample)', () => {
    const body = Array.from({ length: 85 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const sample = `// Long: a sample that is long on purpose\nexport function reasoned() {\n${body}\n}\nexport const bare = () => {\n${body}\n};\n`;
    const sf = ts.createSourceFile('s.ts', sample, ts.ScriptTarget.Latest, true);
    const fns: FunctionNode[] = [];
    const walk = (n: ts.Node): void => {
      if (isFunction(n)) fns.push(n);
      ts.forEachChild(n, walk);
    };
    walk(sf);
    const reasons = fns.map((f) => [
      nameOf(f, undefined),
      REASON.test(leadingComments(sample, commentHolder(f))),
    ]);
    expect(reasons).toEqual([
      ['reasoned', true],
      ['bare', false],
    ]);
  });
});
