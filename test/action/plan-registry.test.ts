// The pull-request plan runs verify --registry against the real token-auth registry (its token server behind the
// fault proxy, which records every Authorization header): a same-repository pull request uses the credentials the
// config names; a fork's pull request sends none (anonymous tokens only);
// a lock hand-edited to an arbitrary digest fails the plan at the lock's line; no secret reaches the output.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReconcile } from '../../src/app/reconcile.js';
import type { ActionContext } from '../../src/entry/action/context.js';
import { executeAction } from '../../src/entry/action/execute.js';
import { readInputs } from '../../src/entry/action/inputs.js';
import { captureIO } from '../helpers/capture-io.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { makeIndex, pushIndex } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';
import { startTokenServer, type TokenServer } from '../helpers/token-server.js';

const PASSWORD = 'registry-password-PLAN-4711';
const CREDENTIALS = { REGISTRY_USER: 'robot', REGISTRY_PASS: PASSWORD };
let open: RunningRegistry;
let authed: RunningRegistry;
let tokens: TokenServer;
let tokenProxy: FaultProxy;
let base: string;
let n = 0;

beforeAll(async () => {
  open = await startRegistry();
  tokens = await startTokenServer({ users: { robot: PASSWORD }, anonymous: true });
  tokenProxy = await startFaultProxy(new URL(tokens.realm).origin);
  authed = await startRegistry({
    dataDir: open.dataDir,
    auth: { token: { ...tokens, realm: `${tokenProxy.url}/token` } },
  });
  const platforms = [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ];
  await pushIndex(open.url, 'plan/app', ['1'], makeIndex({ seed: 'plan-app', platforms }));
  base = await mkdtemp(join(tmpdir(), 'imagestreams-plan-registry-'));
  await mkdir(join(base, 'imagestreams'));
  await mkdir(join(base, '.git'));
  await writeFile(
    join(base, 'imagestreams/app.yaml'),
    [
      'kind: ImageStream',
      'metadata: {name: app}',
      'spec:',
      '  tags:',
      '    - name: "1"',
      `      from: {kind: DockerImage, name: "${authed.host}/plan/app:1"}`,
      '      importPolicy: {importMode: PreserveOriginal}',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(base, '.imagestreams.yaml'),
    `registries:\n  "${authed.host}":\n    credentials: {usernameEnv: REGISTRY_USER, passwordEnv: REGISTRY_PASS}\n`,
  );
  await writeFile(join(base, 'Dockerfile'), '# imagestream: app:1\nFROM scratch\n');
  const r = await runReconcile(captureIO(base, { env: CREDENTIALS }), {});
  expect(r.status).toBe('ok');
});
afterAll(async () => {
  await authed?.stop();
  await tokenProxy?.close();
  await tokens?.close();
  await open?.stop();
  if (base) await rm(base, { recursive: true, force: true });
});

/** The plan of pull request #5 on a copy of the reconciled project; `reads` lists the env variables read. */
async function plan(fork: boolean, edit?: (dir: string) => Promise<void>) {
  const dir = `${base}-${++n}`;
  await cp(base, dir, { recursive: true });
  await edit?.(dir);
  tokenProxy.setRule(() => undefined);
  const reads = new Set<string>();
  const env = new Proxy<Record<string, string | undefined>>(
    { ...CREDENTIALS },
    {
      get(t, k) {
        if (typeof k === 'string') reads.add(k);
        return t[k as string];
      },
    },
  );
  const ctx: ActionContext = {
    eventName: 'pull_request',
    workspace: dir,
    repository: 'acme/app',
    pullRequest: {
      number: 5,
      headRef: 'change',
      baseRef: 'main',
      fork,
      headRepository: fork ? 'mallory/app' : 'acme/app',
    },
  };
  const log: string[] = [];
  const outcome = await executeAction(readInputs({ INPUT_COMMAND: 'plan', INPUT_COMMENT: 'false' }), ctx, {
    env,
    log: (t) => log.push(t),
    secrets: [PASSWORD],
  });
  await rm(dir, { recursive: true, force: true });
  const authorizations = tokenProxy.requests.map((r) => r.headers.authorization ?? 'none');
  const text = log.join('') + JSON.stringify(outcome);
  return { outcome, reads, authorizations, text };
}

describe('the pull-request plan runs verify --registry', () => {
  it('same repository: with the credentials the config names; the locked digests are found', async () => {
    const r = await plan(false);
    expect(r.outcome.exitCode, r.text).toBe(0);
    expect(r.outcome.result.verifyRegistry).toMatchObject({
      ok: true,
      anonymous: false,
      digests: 3,
      verified: 3,
    });
    expect(r.authorizations.some((a) => a.startsWith('Basic '))).toBe(true);
    expect(r.reads.has('REGISTRY_PASS')).toBe(true);
    expect(r.text).not.toContain(PASSWORD);
  });

  it('fork: anonymously — no Authorization header reaches the token server, the locked digests are found', async () => {
    const r = await plan(true);
    expect(r.outcome.exitCode, r.text).toBe(0);
    expect(r.outcome.result.verifyRegistry).toMatchObject({
      ok: true,
      anonymous: true,
      digests: 3,
      verified: 3,
    });
    expect(r.authorizations.length).toBeGreaterThan(0); // the registry was asked (anonymous pull tokens)
    expect(r.authorizations.every((a) => a === 'none')).toBe(true);
    expect(r.outcome.summary.notes!.join('\n')).toContain('anonymously: a fork gets no registry credentials');
  });

  it('fork: a lock and consumer hand-edited to an arbitrary digest fail the plan at the lock line', async () => {
    const forged = `sha256:${'cd'.repeat(32)}`;
    const r = await plan(true, async (dir) => {
      const lockFile = join(dir, 'imagestreams.lock/default/app.json');
      const lock = JSON.parse(await readFile(lockFile, 'utf8'));
      const real = lock.status.tags[0].items[0].image as string;
      for (const f of [lockFile, join(dir, 'Dockerfile')]) {
        await writeFile(f, (await readFile(f, 'utf8')).replaceAll(real, forged));
      }
    });
    expect(r.outcome.exitCode).toBe(1);
    const a = r.outcome.annotations.find((d) => d.code === 'LOCKED_DIGEST_UNKNOWN');
    expect(a).toMatchObject({ file: 'imagestreams.lock/default/app.json', severity: 'error' });
    expect(a!.line).toBeGreaterThan(1);
    expect(a!.message).toContain(
      `default/app:1: the locked image ${forged} does not exist in ${authed.host}/plan/app`,
    );
    expect(a!.message).toContain('Fix: ');
    expect(r.outcome.failure).toContain('verify --registry');
  });
});
