// A whole daemon scenario on real servers: the Distribution registry (notifying a given URL), a git
// http-backend with a repository whose main branch declares a stream and already holds its lock, and the
// OpenAPI-validated fake GitHub API over that repository.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemonNotifications } from '../../scripts/lib/registry.js';
import { runReconcile } from '../../src/app/reconcile.js';
import { silentLogger } from '../../src/util/logger.js';
import { captureIO } from '../helpers/capture-io.js';
import { createBareRepo, type GitServer, startGitServer, writeFiles } from '../helpers/git-server.js';
import { type GitHubApi, startGitHubApi } from '../helpers/github-api.js';
import { makeImage, pushImage } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';

export const TOKEN = 'daemon-git-token-0123456789';
export const SECRET = 'daemon-webhook-secret-42';
export const LOCK = 'imagestreams.lock/default/app.json';

/** Servers shared by the tests of one file. */
export interface Servers {
  registry: RunningRegistry;
  git: GitServer;
  work: string;
  close(): Promise<void>;
}

/** Starts the registry (notifying `notifyUrl` with the bearer secret) and the git server. */
export async function startServers(notifyUrl: string): Promise<Servers> {
  const registry = await startRegistry({ notifications: daemonNotifications(notifyUrl, SECRET) });
  const git = await startGitServer({ token: TOKEN });
  const work = await mkdtemp(join(tmpdir(), 'imagestreams-daemon-test-'));
  return {
    registry,
    git,
    work,
    close: async () => {
      await git.close();
      await registry.stop();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/**
 * A repository `name` whose stream `app` imports `<registry>/<repo>:<tag>` for each of `tags` (default `1.0`),
 * already locked.
 */
export async function repoScenario(s: Servers, name: string, opts: { from?: string; tags?: string[] } = {}) {
  const repo = `team/${name}`;
  const tags = opts.tags ?? ['1.0'];
  const tag = tags[0]!;
  const v1 = makeImage({ seed: `${name}-v1` });
  for (const t of tags) await pushImage(s.registry.url, repo, t, v1);
  const from = opts.from ?? s.registry.host;
  const declaration = [
    'apiVersion: image.openshift.io/v1',
    'kind: ImageStream',
    'metadata:',
    '  name: app',
    'spec:',
    '  tags:',
    ...tags.flatMap((t) => [
      `    - name: "${t}"`,
      `      from: {kind: DockerImage, name: "${from}/${repo}:${t}"}`,
    ]),
    '',
  ].join('\n');
  const scratch = join(s.work, `${name}-seed`);
  await writeFiles(scratch, { 'imagestreams/app.yaml': declaration });
  const run = await runReconcile(captureIO(scratch), {});
  if (run.status !== 'ok') throw new Error(`seed reconcile failed: ${JSON.stringify(run.diagnostics)}`);
  const lock = await readFile(join(scratch, LOCK), 'utf8');
  const bare = await createBareRepo(s.git.root, name, {
    'imagestreams/app.yaml': declaration,
    [LOCK]: lock,
    'README.md': 'daemon test\n',
  });
  const api: GitHubApi = await startGitHubApi({ owner: 'acme', repo: name, token: TOKEN, bareRepo: bare });
  return {
    repo,
    bare,
    api,
    url: `${s.git.url}/${name}.git`,
    v1: v1.digest,
    /** Pushes a new image under `to` (default the first tag); resolves when the registry answered the PUT. */
    pushNew: async (seed: string, to = tag) => {
      const img = makeImage({ seed: `${name}-${seed}` });
      await pushImage(s.registry.url, repo, to, img);
      return img.digest;
    },
    logger: silentLogger,
  };
}

/** Polls `fn` until it returns a value (not undefined) or `ms` pass. */
export async function waitFor<T>(fn: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
