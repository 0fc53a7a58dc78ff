import { execFileSync } from 'node:child_process';
import * as nodeFs from 'node:fs';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runReconcile } from '../../src/app/reconcile.js';
import { parseConfig } from '../../src/config/load.js';
import { createWorkspace } from '../../src/daemon/workspace.js';
import { dirChecks, escapeOf, readRegular } from '../../src/fs/inside.js';
import { loadProject } from '../../src/loader/load.js';
import { readLock } from '../../src/loader/lock-file.js';
import { silentLogger } from '../../src/util/logger.js';
import { captureIO } from '../helpers/capture-io.js';

const base = mkdtempSync(join(tmpdir(), 'is-paths-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const STREAM = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app}
spec:
  tags:
    - name: "1"
      from: {kind: DockerImage, name: "127.0.0.1:1/app:1"}
`;

/** A repository folder next to an `outside` folder holding a secret-looking declaration and a lock. */
function layout(name: string, config: string): { repo: string; outside: string } {
  const dir = join(base, name);
  const repo = join(dir, 'repo');
  const outside = join(dir, 'outside');
  mkdirSync(join(repo, 'imagestreams'), { recursive: true });
  mkdirSync(join(outside, 'default'), { recursive: true });
  writeFileSync(join(repo, 'imagestreams', 'app.yaml'), STREAM);
  writeFileSync(join(repo, '.imagestreams.yaml'), config);
  writeFileSync(join(outside, 'secret.yaml'), 'kind: TopSecretThing\nmetadata: {name: hidden}\n');
  writeFileSync(join(outside, 'default', 'app.json'), '{"outside": true}\n');
  return { repo, outside };
}

const codes = (ds: { code: string }[]) => ds.map((d) => d.code);

describe('config paths stay inside the repository', () => {
  it.each([
    ['lockDir: ../../x', 'lockDir "../../x" is outside the repository'],
    ['lockDir: /tmp/locks', 'lockDir "/tmp/locks" is outside the repository'],
    ['declarations: ["/dev/zero"]', 'declarations[0] "/dev/zero" is outside the repository'],
    ['declarations: [ok, "../other/**/*.yaml"]', 'declarations[1] "../other/**/*.yaml" is outside'],
  ])('%s is refused with the key and the fix', (text, message) => {
    const r = parseConfig('.imagestreams.yaml', text);
    expect(codes(r.diagnostics)).toEqual(['CONFIG_PATH_OUTSIDE']);
    expect(r.diagnostics[0]!.message).toContain(message);
    expect(r.diagnostics[0]!.message).toMatch(/relative to the repository root, without "\.\."/);
  });

  it('a __proto__, constructor or prototype key anywhere is refused (and nothing reaches a prototype)', () => {
    for (const text of [
      'registries:\n  __proto__: {insecure: true}\n',
      'registries:\n  quay.io:\n    constructor: {}\n',
      'publish:\n  groups:\n    - {name: a, streams: [x], prototype: 1}\n',
      '{"__proto__": {"lockDir": "/etc"}}',
    ]) {
      const r = parseConfig('.imagestreams.yaml', text);
      expect(codes(r.diagnostics)).toEqual(['CONFIG_FORBIDDEN_KEY']);
      expect(r.diagnostics[0]!.message).toMatch(/is not allowed anywhere in the config/);
      expect(r.config.lockDir).toBe('imagestreams.lock');
      expect(Object.getPrototypeOf(r.config.registries)).toBe(Object.prototype);
    }
    expect(parseConfig('c.yaml', 'registries:\n  __proto__: {}\n').diagnostics[0]).toMatchObject({ line: 2 });
  });

  it('a lockDir or a declarations folder that is a symbolic link to outside is refused, naming the key', async () => {
    const a = layout('lockdir-link', 'lockDir: locks\n');
    symlinkSync(a.outside, join(a.repo, 'locks'));
    const r = await loadProject({ cwd: a.repo });
    expect(r.diagnostics.find((d) => d.code === 'CONFIG_PATH_OUTSIDE')?.message).toMatch(
      /lockDir "locks" goes through "locks", a symbolic link to outside the repository/,
    );

    const b = layout('decl-link', 'declarations: [imagestreams, shared]\n');
    symlinkSync(b.outside, join(b.repo, 'shared'));
    const rb = await loadProject({ cwd: b.repo });
    expect(rb.diagnostics.map((d) => d.message).join('\n')).toMatch(
      /declarations\[1\] "shared" goes through "shared"/,
    );
    // Nothing from outside is revealed: not the file names, not their kinds.
    const text = JSON.stringify(rb.diagnostics);
    expect(text).not.toContain('secret.yaml');
    expect(text).not.toContain('TopSecretThing');
    expect(rb.streams.map((s) => s.name)).toEqual(['app']);
  });

  it('a committed imagestreams.lock symlink to outside: validate fails, reconcile writes nothing outside', async () => {
    const c = layout('lock-link', '');
    symlinkSync(c.outside, join(c.repo, 'imagestreams.lock'));
    await expect(
      readLock(nodeFs.promises, c.repo, { lockDir: 'imagestreams.lock' }, 'default', 'app'),
    ).rejects.toMatchObject({
      code: 'PATH_OUTSIDE_REPOSITORY',
    });
    const io = captureIO(c.repo);
    const r = await runReconcile(io);
    expect(r.status).toBe('invalid');
    expect(r.written).toEqual([]);
    expect(readFileSync(join(c.outside, 'default', 'app.json'), 'utf8')).toBe('{"outside": true}\n');
    // A lock file that is itself a link is refused too.
    const d = layout('lock-file-link', '');
    mkdirSync(join(d.repo, 'imagestreams.lock', 'default'), { recursive: true });
    symlinkSync(
      join(d.outside, 'default', 'app.json'),
      join(d.repo, 'imagestreams.lock', 'default', 'app.json'),
    );
    expect(await escapeOf(d.repo, 'imagestreams.lock/default/app.json', { file: true })).toMatchObject({
      kind: 'symlink-file',
    });
    expect((await runReconcile(captureIO(d.repo))).status).toBe('invalid');
  });

  it('folder checks shared by a load (dirChecks) see a link on the way for every path, and never the last part', async () => {
    const c = layout('shared-dirs', '');
    mkdirSync(join(c.repo, 'imagestreams.lock'), { recursive: true });
    symlinkSync(c.outside, join(c.repo, 'imagestreams.lock', 'ns'));
    const dirs = dirChecks();
    for (const name of ['a', 'b', 'c']) {
      expect(await escapeOf(c.repo, `imagestreams.lock/ns/${name}.json`, { file: true, dirs })).toMatchObject(
        {
          kind: 'symlink-outside',
          component: 'imagestreams.lock/ns',
        },
      );
    }
    // A folder met on the way is shared; the same path as a last part is looked at again (here: a link).
    expect(await escapeOf(c.repo, 'imagestreams.lock/ns', { file: true, dirs })).toMatchObject({
      kind: 'symlink-file',
    });
    // The locks of a run share their checks: one behind the link is refused like without them.
    await expect(
      readLock(nodeFs.promises, c.repo, { lockDir: 'imagestreams.lock' }, 'ns', 'app', dirs),
    ).rejects.toMatchObject({ code: 'PATH_OUTSIDE_REPOSITORY' });
  });

  it('the daemon never restores or deletes through a link to outside its work tree', async () => {
    const e = layout('daemon-link', '');
    execFileSync('git', ['init', '-q', '-b', 'main', e.repo]);
    symlinkSync(e.outside, join(e.repo, 'imagestreams.lock'));
    execFileSync('git', ['-C', e.repo, 'add', '.']);
    execFileSync('git', ['-C', e.repo, '-c', 'user.name=t', '-c', 'user.email=t@x', 'commit', '-qm', 'x']);
    const ws = createWorkspace({ source: { kind: 'path', dir: e.repo }, logger: silentLogger });
    ws.touch(['imagestreams.lock/default/app.json', '../outside/secret.yaml']);
    await ws.finish();
    expect(readFileSync(join(e.outside, 'default', 'app.json'), 'utf8')).toBe('{"outside": true}\n');
    expect(readFileSync(join(e.outside, 'secret.yaml'), 'utf8')).toContain('TopSecretThing');
  });
});

describe('only regular files are read, and reads are capped by bytes read', () => {
  it('/dev/zero and a named pipe fail fast as not regular files', async () => {
    const t = performance.now();
    const r = await loadProject({ cwd: base, paths: ['/dev/zero'] });
    expect(r.diagnostics).toMatchObject([
      { code: 'NOT_A_FILE', message: expect.stringMatching(/a device, not a regular file/) },
    ]);
    const fifo = join(base, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const p = await loadProject({ cwd: base, paths: ['pipe.yaml'] });
    expect(p.diagnostics).toMatchObject([
      { code: 'NOT_A_FILE', message: expect.stringMatching(/a named pipe/) },
    ]);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(await readRegular('/dev/zero', 10)).toEqual({
      ok: false,
      reason: 'not-regular',
      type: 'a device',
    });
  });

  it('six malformed 10 MB JSON files are refused unparsed, without the memory parsing them would take', async () => {
    const dir = join(base, 'big');
    mkdirSync(join(dir, 'imagestreams'), { recursive: true });
    const bad = Buffer.from(`{"kind": "ImageStream", "x": [${'1,'.repeat(5 * 1024 * 1024)}`);
    for (let i = 0; i < 6; i++) writeFileSync(join(dir, 'imagestreams', `f${i}.json`), bad);
    const before = process.memoryUsage().rss;
    const r = await loadProject({ cwd: dir });
    const grown = process.memoryUsage().rss - before;
    expect(codes(r.diagnostics)).toEqual(Array(6).fill('FILE_TOO_LARGE'));
    expect(r.diagnostics[0]!.message).toContain('over the 1 MB limit for a declaration');
    expect(grown).toBeLessThan(200 * 1024 * 1024);
  });

  it('the cap counts bytes read: a file that grows past it is refused', async () => {
    const f = join(base, 'exact.yaml');
    writeFileSync(f, Buffer.alloc(100, 0x61));
    expect(await readRegular(f, 100)).toMatchObject({ ok: true });
    expect(await readRegular(f, 99)).toEqual({ ok: false, reason: 'too-large', limit: 99 });
  });
});

describe('the config and the locks are read the same way', () => {
  it('a config that is a link to outside, a device, or huge is refused with the fix', async () => {
    const a = layout('config-link', '');
    rmSync(join(a.repo, '.imagestreams.yaml'));
    writeFileSync(join(a.outside, 'config.yaml'), 'lockDir: x\n');
    symlinkSync(join(a.outside, 'config.yaml'), join(a.repo, '.imagestreams.yaml'));
    const r = await loadProject({ cwd: a.repo });
    expect(r.diagnostics[0]).toMatchObject({
      code: 'CONFIG_PATH_OUTSIDE',
      message: expect.stringMatching(/the config file ".imagestreams.yaml" goes through/),
    });
    const b = layout('config-dev', '');
    rmSync(join(b.repo, '.imagestreams.yaml'));
    symlinkSync('/dev/zero', join(b.repo, '.imagestreams.yaml'));
    const t = performance.now();
    expect((await loadProject({ cwd: b.repo })).diagnostics[0]?.code).toBe('CONFIG_PATH_OUTSIDE');
    expect((await loadProject({ cwd: b.repo, configPath: '/dev/zero' })).diagnostics[0]).toMatchObject({
      code: 'CONFIG_UNREADABLE',
      message: expect.stringMatching(/a device, not a regular file/),
    });
    expect(performance.now() - t).toBeLessThan(2000);
    const c = layout('config-huge', `# ${'x'.repeat(300 * 1024)}\n`);
    expect((await loadProject({ cwd: c.repo })).diagnostics[0]).toMatchObject({ code: 'CONFIG_UNREADABLE' });
  });

  it('a lock that is a named pipe, or a large broken lock, is refused without hanging or parsing it as YAML', async () => {
    const d = layout('lock-fifo', '');
    mkdirSync(join(d.repo, 'imagestreams.lock', 'default'), { recursive: true });
    execFileSync('mkfifo', [join(d.repo, 'imagestreams.lock', 'default', 'app.json')]);
    await expect(
      readLock(nodeFs.promises, d.repo, { lockDir: 'imagestreams.lock' }, 'default', 'app'),
    ).rejects.toMatchObject({ code: 'INVALID_LOCK', message: expect.stringMatching(/not a regular file/) });
    rmSync(join(d.repo, 'imagestreams.lock', 'default', 'app.json'));
    writeFileSync(
      join(d.repo, 'imagestreams.lock', 'default', 'app.json'),
      `{"x": [${'1,'.repeat(2_000_000)}`,
    );
    await expect(
      readLock(nodeFs.promises, d.repo, { lockDir: 'imagestreams.lock' }, 'default', 'app'),
    ).rejects.toMatchObject({ code: 'INVALID_LOCK', message: expect.stringMatching(/not valid JSON/) });
  });
});

it('the daemon in --path mode refuses to send its token to a plain-HTTP remote off the machine', async () => {
  const f = layout('http-remote', '');
  execFileSync('git', ['init', '-q', '-b', 'main', f.repo]);
  execFileSync('git', ['-C', f.repo, 'remote', 'add', 'origin', 'http://git.example.com/acme/app.git']);
  const { default: http } = await import('isomorphic-git/http/node');
  const ws = createWorkspace({
    source: { kind: 'path', dir: f.repo, access: { http, token: 'tok-0123456789' } },
    logger: silentLogger,
  });
  await expect(ws.prepare()).rejects.toMatchObject({
    code: 'GIT_INSECURE_REMOTE',
    message: expect.stringMatching(/plain HTTP.*Use https/),
  });
});
