// Golden directories for the reconciler, against the real registry: each case has before/ (the repository),
// case.json (what upstream does first, the command line, the exit code) and after/ (the repository afterwards).
// `${REGISTRY}` in files stands for the test registry's host:port. UPDATE_GOLDEN=1 rewrites after/.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeImage,
  makeIndex,
  pushImage,
  pushIndex,
  type RunningRegistry,
  startRegistry,
} from '../../scripts/lib/registry.js';
import { main } from '../../src/entry/cli.js';
import { captureIO } from '../helpers/capture-io.js';
import { treeFiles } from '../helpers/golden-tree.js';

const ROOT = join(import.meta.dirname, '..', 'golden', 'reconcile');
const NOW = new Date('2026-11-27T12:00:00Z');
/** What golden files write for the test registry's address. */
const PLACEHOLDER = ['$', '{REGISTRY}'].join('');

interface Push {
  repo: string;
  tags: string[];
  seed: string;
  platforms?: { os: string; architecture: string; variant?: string }[];
}
interface Case {
  description: string;
  push?: Push[];
  args: string[];
  exit: number;
  /** Fragments the JSON result must contain (changes per tag, written files). */
  expect?: { changes?: [string, string][]; written?: string[]; stdout?: string[] };
}

/** The files of a golden or work tree, sorted by path. */
const listFiles = (dir: string): string[] => treeFiles(dir).sort();

let reg: RunningRegistry;
beforeAll(async () => {
  reg = await startRegistry();
});
afterAll(async () => {
  await reg?.stop();
});

async function pushAll(pushes: Push[]) {
  for (const p of pushes) {
    if (p.platforms)
      await pushIndex(reg.url, p.repo, p.tags, makeIndex({ seed: p.seed, platforms: p.platforms }));
    else await pushImage(reg.url, p.repo, p.tags, makeImage({ seed: p.seed }));
  }
}

const cases = readdirSync(ROOT).filter((c) => existsSync(join(ROOT, c, 'case.json')));

describe('reconcile golden directories', () => {
  it.each(cases)('%s', async (name) => {
    const dir = join(ROOT, name);
    const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as Case;
    await pushAll(spec.push ?? []);
    const work = mkdtempSync(join(tmpdir(), `golden-${name}-`));
    const sub = (t: string) => t.replaceAll(PLACEHOLDER, reg.host);
    const unsub = (t: string) => t.replaceAll(reg.host, PLACEHOLDER);
    for (const f of listFiles(join(dir, 'before'))) {
      mkdirSync(dirname(join(work, f)), { recursive: true });
      writeFileSync(join(work, f), sub(readFileSync(join(dir, 'before', f), 'utf8')));
    }
    const io = captureIO(work, { now: NOW.toISOString() });
    const code = await main(spec.args.map(sub), io);
    const stdout = io.out();
    const stderr = io.err();
    const got = new Map(listFiles(work).map((f) => [f, unsub(readFileSync(join(work, f), 'utf8'))]));
    if (process.env.UPDATE_GOLDEN) {
      rmSync(join(dir, 'after'), { recursive: true, force: true });
      for (const [f, t] of got) {
        mkdirSync(dirname(join(dir, 'after', f)), { recursive: true });
        writeFileSync(join(dir, 'after', f), t);
      }
    }
    expect(code, `exit code; stderr:\n${stderr}`).toBe(spec.exit);
    const want = new Map(
      listFiles(join(dir, 'after')).map((f) => [f, readFileSync(join(dir, 'after', f), 'utf8')]),
    );
    expect([...got.keys()]).toEqual([...want.keys()]);
    for (const [f, t] of want) expect(got.get(f), f).toBe(t);
    if (spec.expect?.changes) {
      const result = JSON.parse(stdout) as {
        changes: { stream: string; tags: { tag: string; kind: string }[] }[];
      };
      const kinds = result.changes.flatMap((c) => c.tags.map((t) => [`${c.stream}:${t.tag}`, t.kind]));
      expect(kinds).toEqual(spec.expect.changes);
    }
    if (spec.expect?.written) {
      expect((JSON.parse(stdout) as { written: string[] }).written).toEqual(spec.expect.written);
    }
    for (const s of spec.expect?.stdout ?? []) expect(unsub(stdout + stderr)).toContain(s);
    rmSync(work, { recursive: true, force: true });
  });
});
