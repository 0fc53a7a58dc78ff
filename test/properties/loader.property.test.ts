import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runReconcile } from '../../src/app/reconcile.js';
import { parseConfig } from '../../src/config/load.js';
import { staysInside } from '../../src/fs/inside.js';
import { parseDeclarations } from '../../src/loader/declarations.js';
import { captureIO } from '../helpers/capture-io.js';
import { check } from '../helpers/property.js';

const base = mkdtempSync(join(tmpdir(), 'is-prop-loader-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const STREAM = {
  apiVersion: 'image.openshift.io/v1',
  kind: 'ImageStream',
  metadata: { name: 'app' },
  spec: { tags: [{ name: '1', from: { kind: 'DockerImage', name: 'quay.io/org/app:1' } }] },
};

const LOCAL_STREAM = {
  ...STREAM,
  spec: { tags: [{ name: '1', from: { kind: 'DockerImage', name: '127.0.0.1:1/app:1' } }] },
};

/** Declarations: valid ones, mutated ones, any JSON value, random text and bytes. */
const declaration = fc.oneof(
  fc.constant(stringify(STREAM)),
  fc.jsonValue().map((v) => JSON.stringify({ ...STREAM, spec: v })),
  fc.jsonValue().map((v) => stringify({ kind: 'List', items: [STREAM, v] })),
  fc.tuple(fc.nat(400), fc.string({ maxLength: 8 })).map(([i, s]) => {
    const t = stringify(STREAM);
    return t.slice(0, i % t.length) + s + t.slice(i % t.length);
  }),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.constantFrom(
    'a: &a [*a]',
    '{"kind": "ImageStream", "kind": "List"}',
    '--- !!binary x',
    'x: !!js/function f',
  ),
);

it('the declaration parser never throws and reports every problem as a positioned diagnostic', async () => {
  await check(
    fc.property(declaration, fc.boolean(), (text, asBytes) => {
      const r = parseDeclarations('f.yaml', asBytes ? Buffer.from(text, 'latin1') : text, {
        defaultNamespace: 'default',
      });
      for (const d of r.diagnostics) {
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.message.length).toBeGreaterThan(0);
      }
    }),
    400,
  );
});

/** Config path values: inside, `..`, absolute, a link to outside, odd spellings. */
const pathValue = fc.oneof(
  fc.constantFrom(
    'locks',
    'a/b',
    '../x',
    '../../x',
    '/tmp/x',
    'link',
    'link/sub',
    './locks',
    'a/../../x',
    'a/./b',
    '.',
    'C:\\x',
  ),
  fc
    .array(fc.constantFrom('a', '..', '.', 'link', 'b'), { minLength: 1, maxLength: 4 })
    .map((p) => p.join('/')),
);
const configArb = fc.record(
  {
    lockDir: pathValue,
    declarations: fc.array(fc.oneof(pathValue, fc.constantFrom('imagestreams', '**/*.yaml', 'link/**')), {
      minLength: 1,
      maxLength: 3,
    }),
    registries: fc.dictionary(
      fc.constantFrom('quay.io', '__proto__', 'constructor', 'x'),
      fc.constant({ insecure: true }),
    ),
  },
  { requiredKeys: [] },
);

it('the config parser never throws, and a config it accepts names only paths inside the repository', async () => {
  await check(
    fc.property(configArb, (raw) => {
      const r = parseConfig('.imagestreams.yaml', JSON.stringify(raw));
      if (r.diagnostics.some((d) => d.severity === 'error')) return;
      expect(staysInside(r.config.lockDir)).toBe(true);
      for (const d of r.config.declarations) expect(staysInside(d)).toBe(true);
      expect(Object.getPrototypeOf(r.config.registries)).toBe(Object.prototype);
    }),
    500,
  );
});

/** Configs for whole runs: any lockDir, declarations that may go through the link. */
const runConfigArb = fc.record({
  lockDir: pathValue,
  declarations: fc.constantFrom(
    ['imagestreams'],
    ['imagestreams', 'link'],
    ['**/*.yaml'],
    ['link/**'],
    ['imagestreams', '../outside'],
  ),
});

/** Every file under `dir` except those of the repository `skip` (links are not followed). */
function snapshot(dir: string, skip: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (p === skip) continue;
      if (statSync(p).isDirectory()) walk(p);
      else out[p] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

it('a reconcile under any generated config writes nothing outside the repository', async () => {
  let n = 0;
  let wrote = 0;
  await check(
    fc.asyncProperty(runConfigArb, fc.boolean(), async (raw, dockerfile) => {
      const dir = join(base, `run-${n++}`);
      const repo = join(dir, 'repo');
      const outside = join(dir, 'outside');
      mkdirSync(join(repo, 'imagestreams'), { recursive: true });
      mkdirSync(join(outside, 'a'), { recursive: true });
      writeFileSync(join(outside, 'keep.txt'), 'outside\n');
      symlinkSync(outside, join(repo, 'link'));
      writeFileSync(join(repo, 'imagestreams', 'app.yaml'), stringify(LOCAL_STREAM));
      if (dockerfile)
        writeFileSync(join(repo, 'Dockerfile'), '# imagestream: app:1\nFROM 127.0.0.1:1/app:1\n');
      // The registry is a closed loopback port: imports fail at once and still write locks (with the failure).
      const config = { ...raw };
      if (typeof config.lockDir === 'string' && config.lockDir.startsWith('/tmp/'))
        config.lockDir = join(outside, 'abs');
      writeFileSync(join(repo, '.imagestreams.yaml'), JSON.stringify(config));
      const before = snapshot(dir, repo);
      const r = await runReconcile(captureIO(repo), { registry: { client: { retries: 0 } } });
      wrote += r.written.length;
      expect(snapshot(dir, repo)).toEqual(before);
      for (const w of r.written) expect(staysInside(w)).toBe(true);
      rmSync(dir, { recursive: true, force: true });
    }),
    20,
    [
      [{ lockDir: 'locks', declarations: ['imagestreams'] }, true],
      [{ lockDir: 'link', declarations: ['imagestreams'] }, true],
      [{ lockDir: '../x', declarations: ['imagestreams'] }, false],
    ],
  );
  expect(wrote).toBeGreaterThan(0); // some generated configs are valid and do write (inside)
});
