// The daemon as a process (bin/imagestreams.js daemon): SIGTERM in the middle of a run drains and exits 0
// with the remote and the clone consistent; a second signal exits at once.

import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseLock } from '../../src/loader/lock-file.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { git } from '../helpers/git-server.js';
import { freePort } from '../helpers/registry-server.js';
import { LOCK, repoScenario, SECRET, type Servers, startServers, TOKEN, waitFor } from './scenario.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(root, 'bin', 'imagestreams.js');
let servers: Servers;
let proxy: FaultProxy;
let port: number;

/** bin/ runs build/: compile when a daemon source is newer than its output (npm test compiles first anyway). */
async function ensureBuilt(): Promise<void> {
  const pairs = [
    ['src/daemon/daemon.ts', 'build/daemon/daemon.js'],
    ['src/daemon/run-loop.ts', 'build/daemon/run-loop.js'],
    ['src/daemon/job-run.ts', 'build/daemon/job-run.js'],
    ['src/daemon/queue.ts', 'build/daemon/queue.js'],
    ['src/daemon/server.ts', 'build/daemon/server.js'],
    ['src/daemon/main.ts', 'build/daemon/main.js'],
    ['src/daemon/workspace.ts', 'build/daemon/workspace.js'],
    ['src/daemon/http.ts', 'build/daemon/http.js'],
    ['src/entry/commands/daemon.ts', 'build/entry/commands/daemon.js'],
    ['src/app/job.ts', 'build/app/job.js'],
  ];
  const stale = pairs.some(
    ([s, b]) =>
      !existsSync(join(root, b!)) || statSync(join(root, s!)).mtimeMs > statSync(join(root, b!)).mtimeMs,
  );
  if (stale) await execa('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, reject: false });
}

beforeAll(async () => {
  port = await freePort();
  [servers] = await Promise.all([
    startServers(`http://127.0.0.1:${port}/webhooks/distribution`),
    ensureBuilt(),
  ]);
  proxy = await startFaultProxy(servers.registry.url);
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  await servers?.close();
});

function startDaemon(name: string, url: string, apiUrl: string) {
  const workdir = join(servers.work, `${name}-clone`);
  const child = spawn(
    process.execPath,
    [
      BIN,
      'daemon',
      '--repo',
      url,
      '--workdir',
      workdir,
      '--listen',
      `127.0.0.1:${port}`,
      '--registry-host',
      proxy.host,
      '--webhook-secret-env',
      'HOOK_SECRET',
      '--github-repository',
      `acme/${name}`,
      '--api-url',
      apiUrl,
    ],
    {
      env: { PATH: process.env.PATH, HOME: servers.work, GITHUB_TOKEN: TOKEN, HOOK_SECRET: SECRET },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  return { child, workdir, exited, stderr: () => stderr };
}

const base = () => `http://127.0.0.1:${port}`;
const ready = () =>
  waitFor(async () => {
    const s = await fetch(`${base()}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    return s === 200 ? true : undefined;
  }, 30_000);

/** A promise the test resolves when it chooses (the held registry answers go out then). */
function openable(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { opened, open };
}

/** The daemon has written a log line with this message (it handled the signal). */
async function logged(d: { stderr: () => string }, msg: string): Promise<void> {
  await waitFor(() =>
    d
      .stderr()
      .split('\n')
      .some((l) => l.includes(`"msg":${JSON.stringify(msg)}`))
      ? true
      : undefined,
  );
}

/** The daemon is inside a run: its manifest request has reached the (delaying) proxy. */
async function slowRunStarted(name: string, since: number): Promise<void> {
  await waitFor(() =>
    proxy.requests.slice(since).some((r) => r.path.includes(`/team/${name}/manifests/`)) ? true : undefined,
  );
}

async function assertConsistent(
  sc: { bare: string; api: { pulls: { head: string; state: string }[] } },
  workdir: string,
  digest: string,
) {
  await git(sc.bare, ['fsck', '--strict']);
  const branches = (await git(sc.bare, ['for-each-ref', '--format=%(refname:short)', 'refs/heads'])).split(
    '\n',
  );
  if (branches.includes('imagestreams/default/app')) {
    // Complete: the lock on the branch parses and carries the pushed digest.
    const lock = parseLock(await git(sc.bare, ['show', `imagestreams/default/app:${LOCK}`]), LOCK);
    expect(lock.status.tags[0]!.items[0]!.image).toBe(digest);
  }
  // The clone: its lock parses, and no temp file of an interrupted atomic write is left.
  parseLock(await readFile(join(workdir, LOCK), 'utf8'), LOCK);
  const lockDir = await readdir(join(workdir, 'imagestreams.lock', 'default'));
  expect(lockDir.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  await git(workdir, ['fsck']);
}

it('SIGTERM during a run: webhooks get 503, the run finishes (PR complete), the process exits 0', async () => {
  const sc = await repoScenario(servers, 'term', { from: proxy.host });
  const d = startDaemon('term', `${servers.git.url}/term.git`, sc.api.url);
  const gate = openable();
  try {
    await ready();
    // The registry's answers are held until the test opens the gate: the run is in flight for as long as needed.
    proxy.setRule((r) =>
      r.path.includes('/team/term/manifests/') ? { kind: 'hold', until: gate.opened } : undefined,
    );
    const since = proxy.requests.length;
    const v2 = await sc.pushNew('v2'); // the registry notifies the daemon (--registry-host ties the hosts)
    await slowRunStarted('term', since);
    d.child.kill('SIGTERM');
    await logged(d, 'SIGTERM received: draining');
    const during = await fetch(`${base()}/webhooks/distribution`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}` },
      body: '{"events":[]}',
    });
    expect(during.status).toBe(503);
    gate.open();
    const { code } = await d.exited;
    expect(code).toBe(0);
    // The run in flight was finished, not abandoned: the PR exists and its branch is complete.
    expect(sc.api.pulls.map((p) => p.head)).toEqual(['imagestreams/default/app']);
    await assertConsistent(sc, d.workdir, v2);
    const lines = d.stderr().trim().split('\n');
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(lines.some((l) => JSON.parse(l).msg === 'daemon stopped')).toBe(true);
    expect(d.stderr()).not.toContain(TOKEN);
    expect(sc.api.violations).toEqual([]);
  } finally {
    gate.open();
    proxy.setRule(() => undefined);
    d.child.kill('SIGKILL');
    await sc.api.close();
  }
});

it('a second signal exits at once; what was already on the remote stays consistent', async () => {
  const sc = await repoScenario(servers, 'twice', { from: proxy.host });
  const d = startDaemon('twice', `${servers.git.url}/twice.git`, sc.api.url);
  const gate = openable();
  try {
    await ready();
    // Held until the end of the test: the run in flight cannot finish, so only the second signal can end it.
    proxy.setRule((r) =>
      r.path.includes('/team/twice/manifests/') ? { kind: 'hold', until: gate.opened } : undefined,
    );
    const since = proxy.requests.length;
    const v2 = await sc.pushNew('v2');
    await slowRunStarted('twice', since);
    d.child.kill('SIGTERM');
    await logged(d, 'SIGTERM received: draining');
    d.child.kill('SIGTERM');
    const { code } = await d.exited;
    expect(code).toBe(143);
    expect(d.stderr()).toContain('second SIGTERM: exiting now');
    expect(sc.api.pulls).toEqual([]);
    await assertConsistent(sc, d.workdir, v2);
  } finally {
    gate.open();
    proxy.setRule(() => undefined);
    d.child.kill('SIGKILL');
    await sc.api.close();
  }
});
