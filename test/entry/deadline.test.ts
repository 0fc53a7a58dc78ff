import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runReconcile } from '../../src/app/reconcile.js';
import { parseConfig } from '../../src/config/load.js';
import { printRun, reconcileCommand } from '../../src/entry/commands/reconcile.js';
import { captureIO } from '../helpers/capture-io.js';

// A registry that answers `fast/*` at once and never answers `slow/*` (a slow registry, a stuck proxy).
const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: `sha256:${'c'.repeat(64)}`,
      size: 2,
    },
    layers: [],
  }),
);
const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
let server: http.Server;
let host: string;
const seen: { path: string; afterDeadline: boolean }[] = [];
let controller: AbortController;
const hanging: http.ServerResponse[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    seen.push({ path, afterDeadline: controller?.signal.aborted ?? false });
    if (path === '/v2/' || path === '/v2') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    if (path.startsWith('/v2/slow/')) {
      hanging.push(res); // never answered: the deadline passes while it hangs (see onProgress below)
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/vnd.oci.image.manifest.v1+json',
      'docker-content-digest': digest,
      'content-length': String(manifest.length),
    });
    res.end(req.method === 'HEAD' ? undefined : manifest);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const r of hanging) r.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const base = mkdtempSync(join(tmpdir(), 'is-deadline-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function repo(name: string): string {
  const dir = join(base, name);
  mkdirSync(join(dir, 'imagestreams'), { recursive: true });
  const stream = (n: string, repoPath: string) =>
    `---\nkind: ImageStream\napiVersion: image.openshift.io/v1\nmetadata: {name: ${n}}\nspec:\n  tags:\n    - name: "1"\n      from: {kind: DockerImage, name: "${host}/${repoPath}:1"}\n`;
  writeFileSync(join(dir, 'imagestreams', 's.yaml'), stream('a', 'fast/a') + stream('b', 'slow/b'));
  return dir;
}

it('at the deadline no registry request starts; what resolved is written, the rest reported as skipped; exit 1', async () => {
  controller = new AbortController();
  seen.length = 0;
  const dir = repo('run');
  const io = captureIO(dir);
  // The deadline passes once the fast image is imported (HEAD, then a GET to confirm a first import) while the
  // slow one hangs: decided by the run's own progress, not by a clock.
  const r = await runReconcile(io, {
    registry: { deadlineSignal: controller.signal, deadlineMs: 60_000 },
    onProgress: (p) => {
      if (p.done >= 1) controller.abort();
    },
  });
  expect(controller.signal.aborted).toBe(true);
  expect(r.status).toBe('ok');
  expect(r.result?.skipped).toBe(1);
  expect(r.report?.deadline).toEqual({ seconds: 60, skipped: [`${host}/slow/b:1`] });
  // The stream that resolved has its lock; the one skipped keeps none (it had none) and no failure is invented.
  expect(readdirSync(join(dir, 'imagestreams.lock', 'default'))).toEqual(['a.json']);
  expect(readFileSync(join(dir, 'imagestreams.lock', 'default', 'a.json'), 'utf8')).toContain(digest);
  expect(seen.filter((s) => s.afterDeadline)).toEqual([]);
  const code = printRun(r, io, false);
  expect(code).toBe(1);
  expect(io.err()).toContain(`skipped (run deadline of 60 s reached): ${host}/slow/b:1`);
  expect(io.err()).toMatch(/2 tags due, 1 resolved, 0 failed, 1 skipped/);
});

it('the deadline comes from the config (a duration) or --deadline; a bad value is refused', async () => {
  expect(parseConfig('.imagestreams.yaml', 'deadline: 20m\n').config.deadline).toBe('20m');
  expect(parseConfig('.imagestreams.yaml', 'deadline: soon\n').diagnostics[0]).toMatchObject({
    code: 'CONFIG_SCHEMA',
    message: expect.stringMatching(/duration/),
  });
  const io = captureIO(repo('flag'));
  const code = await reconcileCommand.run({ values: { deadline: 'whenever' }, positionals: [] }, io);
  expect(code).toBe(2);
  expect(io.err()).toContain('--deadline must be a duration');
});
