// The integrated registry end to end: reconcile copies a Local tag's image into localRegistry (a token-auth
// Distribution registry) before the lock pins it there; a failed copy keeps the old image in the lock and says
// why; `imagestreams mirror` copies what the locks pin, on demand.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReconcile } from '../../src/app/reconcile.js';
import { runCommandArgv } from '../../src/entry/command.js';
import { mirrorCommand } from '../../src/entry/commands/mirror.js';
import { parseLock } from '../../src/loader/lock-file.js';
import { MANIFEST_ACCEPT } from '../../src/registry/mediatypes.js';
import { captureIO } from '../helpers/capture-io.js';
import { makeIndex, pushIndex } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';
import { startTokenServer, type TokenServer } from '../helpers/token-server.js';

const PUSHER = { username: 'ci-mirror', password: 'local-registry-pw-31' };
const GOOD = { MIRROR_USER: PUSHER.username, MIRROR_PASS: PUSHER.password };
let source: RunningRegistry;
let target: RunningRegistry;
let ts: TokenServer;
const base = mkdtempSync(join(tmpdir(), 'imagestreams-mirror-'));
const first = makeIndex({
  format: 'oci',
  seed: 'e2e-1',
  attestation: true,
  platforms: [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ],
});
const second = makeIndex({
  format: 'oci',
  seed: 'e2e-2',
  platforms: [{ os: 'linux', architecture: 'amd64' }],
});

beforeAll(async () => {
  ts = await startTokenServer({
    anonymous: false,
    users: { [PUSHER.username]: PUSHER.password },
    allowPush: true,
  });
  [source, target] = await Promise.all([startRegistry(), startRegistry({ auth: { token: ts } })]);
  await pushIndex(source.url, 'upstream/app', '1.0', first);
});
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  await ts?.close();
  rmSync(base, { recursive: true, force: true });
});

function project(name: string, localRegistry: string): string {
  const dir = join(base, name);
  mkdirSync(join(dir, 'imagestreams'), { recursive: true });
  writeFileSync(
    join(dir, '.imagestreams.yaml'),
    `namespace: team\nlockDir: locks\nlocalRegistry: ${localRegistry}\nregistries:\n  "${target.host}":\n    credentials: {usernameEnv: MIRROR_USER, passwordEnv: MIRROR_PASS}\n`,
  );
  const tag = (n: string, mode: string) =>
    `    - name: "${n}"\n      from: {kind: DockerImage, name: "${source.host}/upstream/app:1.0"}\n      referencePolicy: {type: Local}\n      importPolicy: {importMode: ${mode}, scheduled: true}\n`;
  const plain = (n: string) =>
    `    - name: ${n}\n      from: {kind: DockerImage, name: "${source.host}/upstream/app:1.0"}\n      importPolicy: {scheduled: true}\n`;
  writeFileSync(
    join(dir, 'imagestreams', 'app.yaml'),
    `kind: ImageStream\napiVersion: image.openshift.io/v1\nmetadata: {name: app}\nspec:\n  tags:\n${tag('1.0', 'PreserveOriginal')}${tag('amd64', 'Legacy')}${plain('upstream')}${plain('plain')}` +
      '---\nkind: ImageStream\napiVersion: image.openshift.io/v1\nmetadata: {name: web}\nspec:\n  tags:\n' +
      '    - name: current\n      from: {kind: ImageStreamTag, name: "app:upstream"}\n      referencePolicy: {type: Local}\n',
  );
  return dir;
}

const lockOf = (dir: string) => parseLock(readFileSync(join(dir, 'locks', 'team', 'app.json')), 'app.json');
const current = (dir: string, tag: string) => lockOf(dir).status.tags.find((t) => t.tag === tag)!;

function headStatus(repo: string, reference: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Bearer ${ts.mint(repo, ['pull'])}`, accept: MANIFEST_ACCEPT };
    const req = http.request(
      `${target.url}/v2/${repo}/manifests/${reference}`,
      { method: 'HEAD', headers },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('reconcile with localRegistry', () => {
  let dir = '';
  beforeAll(() => {
    dir = project('reconcile', target.host);
  });

  it('copies every platform of a Local tag into <localRegistry>/<ns>/<stream> before the lock pins it', async () => {
    const run = await runReconcile(captureIO(dir, { env: GOOD }), {
      registry: { client: { backoffBaseMs: 1 } },
    });
    expect(run.status).toBe('ok');
    expect(current(dir, '1.0').items[0]!.image).toBe(first.digest);
    const platform = current(dir, 'amd64').items[0]!.image;
    expect(platform).toBe(first.images[0]!.digest);
    // Every pinned reference exists: the index, each child (the attestation too), and the tag.
    for (const ref of [first.digest, ...first.images.map((i) => i.digest), '1.0', 'amd64'])
      expect(await headStatus('team/app', ref)).toBe(200);
    // A Local tag of another stream that follows a (non-Local) tag gets the image in its own repository too.
    for (const ref of [first.digest, platform, 'current'])
      expect([ref, await headStatus('team/web', ref)]).toEqual([ref, 200]);
  });

  it('a failed copy keeps the old image in the lock and says why and how to fix it', async () => {
    await pushIndex(source.url, 'upstream/app', '1.0', second);
    const io = captureIO(dir, { env: { MIRROR_USER: PUSHER.username, MIRROR_PASS: 'wrong' } });
    const run = await runReconcile(io, { registry: { client: { backoffBaseMs: 1 } } });
    expect(run.status).toBe('failed');
    const lockText = readFileSync(join(dir, 'locks', 'team', 'app.json'), 'utf8');
    for (const text of [lockText, io.out(), io.err(), JSON.stringify(run.result?.imports)])
      expect(text).not.toContain(PUSHER.password);
    const t = current(dir, '1.0');
    expect(t.items[0]!.image).toBe(first.digest);
    expect(t.conditions?.[0]).toMatchObject({ reason: 'MirrorFailed' });
    expect(t.conditions?.[0]?.message).toContain('imagestreams mirror');
    // A tag that no Local tag pins moves on; one that a Local follower pins is held back with it.
    expect(current(dir, 'plain').items[0]!.image).toBe(second.images[0]!.digest);
    expect(current(dir, 'upstream').items[0]!.image).toBe(first.images[0]!.digest);
    expect(await headStatus('team/app', second.digest)).toBe(404);

    const again = await runReconcile(captureIO(dir, { env: GOOD }), {
      registry: { client: { backoffBaseMs: 1 } },
    });
    expect(again.status).toBe('ok');
    expect(current(dir, '1.0').items[0]!.image).toBe(second.digest);
    expect(await headStatus('team/app', second.digest)).toBe(200);
  });

  it('a dry run copies nothing', async () => {
    const dry = project('dry', `${target.host}/dry`);
    const run = await runReconcile(captureIO(dry, { env: GOOD }), { dryRun: true });
    expect(run.status).toBe('ok');
    expect(await headStatus('dry/team/app', second.digest)).toBe(404);
  });
});

describe('imagestreams mirror', () => {
  it('copies what the locks pin for Local tags into a fresh local registry path', async () => {
    const dir = project('command', `${target.host}/fresh`);
    await runReconcile(captureIO(dir, { env: GOOD }), { dryRun: false });
    // Point the project at another path of the registry: nothing there yet, the lock stays as it is.
    const fresh = project('command', `${target.host}/other`);
    const io = captureIO(fresh, { env: GOOD });
    expect(await runCommandArgv(mirrorCommand, ['app', '--json'], io)).toBe(0);
    const out = JSON.parse(io.out()) as { ok: boolean; mirrored: { key: string; target: string }[] };
    expect(out.ok).toBe(true);
    expect(out.mirrored.map((m) => m.key).sort()).toEqual(['team/app:1.0', 'team/app:amd64']);
    expect(await headStatus('other/team/app', second.digest)).toBe(200);
    expect(io.err()).toContain('mirrored team/app:1.0');
  });

  it('exits 1 with the reason when the local registry refuses the push', async () => {
    const dir = project('command', `${target.host}/refused`);
    const io = captureIO(dir, { env: { MIRROR_USER: 'nobody', MIRROR_PASS: 'x' } });
    expect(await runCommandArgv(mirrorCommand, ['--json'], io)).toBe(1);
    const out = JSON.parse(io.out()) as { failed: { reason: string; message: string }[] };
    expect(out.failed[0]).toMatchObject({ reason: 'MirrorFailed' });
    expect(out.failed[0]!.message).toContain('HTTP 401');
  });

  it('exits 2 for an unknown stream or a project without localRegistry', async () => {
    const dir = project('usage', target.host);
    const io = captureIO(dir, { env: GOOD });
    expect(await runCommandArgv(mirrorCommand, ['nope'], io)).toBe(2);
    writeFileSync(join(dir, '.imagestreams.yaml'), 'namespace: team\nlockDir: locks\n');
    const io2 = captureIO(dir, { env: GOOD });
    expect(await runCommandArgv(mirrorCommand, [], io2)).toBe(2);
    expect(io2.err()).toContain('no localRegistry');
  });
});
