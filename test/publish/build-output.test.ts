// Recording a build's output, as a CI job would after pushing an image: the Action's `import` with
// `--from REPO@DIGEST` points the stream tag at exactly that image, and one PR carries the declaration edit, the
// lock and the consumers that follow the tag (the Build → ImageStream → Deploy hand-off of the seed). The second
// test runs the documented recipe, examples/workflows/imagestreams-build.yml: its push step is played by a real
// push to the local registry, and its import step runs as written (inputs from its `with:`) in the bundled Action.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeImage, pushImage } from '../../scripts/lib/registry.js';
import { main } from '../../src/entry/cli.js';
import { runActionBundle } from '../action/harness.js';
import { captureIO } from '../helpers/capture-io.js';
import { fileAt, hostedRepo } from '../helpers/hosted-repo.js';
import { useRealParts } from '../helpers/real-parts.js';

const TOKEN = 'ghs_buildoutput_0123456789abcdef';
const parts = useRealParts(TOKEN, 'build');

/** A Deployment whose container follows app:main through a trigger annotation (both recipes deploy it). */
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:main"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]'
spec:
  template:
    spec:
      containers:
        - name: web
          image: example.invalid/placeholder:0
`;

describe('recording a build output', () => {
  it('a CI job that pushed an image records it with import --from REPO@DIGEST: one deploy PR follows', async () => {
    const v1 = makeImage({ seed: 'build-1' });
    await pushImage(parts.reg.url, 'team/app', 'main', v1);
    const declaration = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app}
spec:
  tags:
    - name: main
      from: {kind: DockerImage, name: "${parts.reg.host}/team/app:main"}
`;
    const repo = await hostedRepo(
      parts.server,
      parts.work,
      'build',
      { 'imagestreams/app.yaml': declaration, 'deploy/web.yaml': DEPLOYMENT },
      TOKEN,
    );
    try {
      const base = await repo.checkout('-base');
      const io = captureIO(base, {
        env: { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/build', GITHUB_API_URL: repo.api.url },
      });
      expect(await main(['reconcile', '--publish', 'commit'], io), io.err()).toBe(0);

      // The build job pushed a new image under its own tag and knows its digest.
      const built = makeImage({ seed: 'build-2' });
      await pushImage(parts.reg.url, 'team/app', 'build-42', built);
      const run = await runActionBundle({
        inputs: {
          command: 'import',
          args: `app:main --from ${parts.reg.host}/team/app@${built.digest}`,
          token: TOKEN,
        },
        eventName: 'workflow_dispatch',
        event: {},
        workspace: await repo.checkout('-ci'),
        repository: 'acme/build',
        apiUrl: repo.api.url,
      });
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(repo.api.pulls).toHaveLength(1);
      const pr = repo.api.pulls[0]!;
      expect(pr.head).toBe('imagestreams/default/app');
      expect(await fileAt(repo.bare, pr.head, 'imagestreams/app.yaml')).toContain(
        `name: "${parts.reg.host}/team/app@${built.digest}"`,
      );
      const lock = JSON.parse((await fileAt(repo.bare, pr.head, 'imagestreams.lock/default/app.json'))!);
      expect(lock.status.tags[0].items[0].image).toBe(built.digest);
      expect(await fileAt(repo.bare, pr.head, 'deploy/web.yaml')).toContain(built.digest);
      expect(pr.body).toContain('re-pointed');
      expect(repo.api.violations).toEqual([]);
    } finally {
      await repo.api.close();
    }
  }, 60_000);

  it('examples/workflows/imagestreams-build.yml: the BuildConfig validates, the recorded build opens the deploy PR', async () => {
    const first = makeImage({ seed: 'recipe-1' });
    await pushImage(parts.reg.url, 'acme/recipe/app', 'main', first);
    const files = {
      'imagestreams/app.yaml': `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app}
spec:
  tags:
    - name: main
      from: {kind: DockerImage, name: "${parts.reg.host}/acme/recipe/app:main"}
`,
      'deploy/build.yaml': `apiVersion: build.openshift.io/v1
kind: BuildConfig
metadata: {name: app}
spec:
  source: {git: {uri: "https://github.com/acme/recipe"}, contextDir: app}
  strategy: {dockerStrategy: {}}
  output:
    to: {kind: ImageStreamTag, name: "app:main"}
`,
      'deploy/web.yaml': DEPLOYMENT,
    };
    const repo = await hostedRepo(parts.server, parts.work, 'recipe', files, TOKEN);
    try {
      const base = await repo.checkout('-base');
      const io = captureIO(base, {
        env: { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/recipe', GITHUB_API_URL: repo.api.url },
      });
      expect(await main(['validate'], io), io.out() + io.err()).toBe(0);
      expect(await main(['reconcile', '--publish', 'commit'], io), io.err()).toBe(0);

      // The workflow's build step pushed a new image; its outputs are the repository and the pushed digest.
      const built = makeImage({ seed: 'recipe-2' });
      await pushImage(parts.reg.url, 'acme/recipe/app', 'build-7', built);
      const outputs: Record<string, string> = {
        image: `${parts.reg.host}/acme/recipe/app`,
        digest: built.digest,
      };
      const workflow = parse(
        readFileSync(
          join(import.meta.dirname, '..', '..', 'examples', 'workflows', 'imagestreams-build.yml'),
          'utf8',
        ),
      );
      const steps = workflow.jobs.build.steps as {
        id?: string;
        uses?: string;
        with?: Record<string, string>;
      }[];
      expect(steps.some((st) => st.id === 'push')).toBe(true);
      const step = steps.find((st) => st.uses?.startsWith('OWNER/imagestreams@'))!;
      const inputs = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([k, v]) => [
          k,
          String(v).replace(
            /\$\{\{\s*steps\.push\.outputs\.(\w+)\s*\}\}/g,
            (_, name: string) => outputs[name]!,
          ),
        ]),
      );
      expect(JSON.stringify(inputs)).not.toContain('${{');
      expect(inputs).toEqual({ command: 'import', args: `app:main --from ${outputs.image}@${built.digest}` });

      const run = await runActionBundle({
        inputs: { ...inputs, token: TOKEN },
        eventName: 'push',
        event: { ref: 'refs/heads/main', before: '0'.repeat(40), after: '1'.repeat(40) },
        workspace: await repo.checkout('-ci'),
        repository: 'acme/recipe',
        apiUrl: repo.api.url,
        serverUrl: parts.server.url,
      });
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(repo.api.pulls).toHaveLength(1);
      const pr = repo.api.pulls[0]!;
      expect(JSON.parse(run.outputs['pull-requests']!)).toEqual([
        expect.objectContaining({ number: pr.number }),
      ]);
      const lock = JSON.parse((await fileAt(repo.bare, pr.head, 'imagestreams.lock/default/app.json'))!);
      expect(lock.status.tags[0].items[0].image).toBe(built.digest);
      expect(await fileAt(repo.bare, pr.head, 'deploy/web.yaml')).toContain(`@${built.digest}`);
      expect(await fileAt(repo.bare, pr.head, 'deploy/build.yaml')).toBe(files['deploy/build.yaml']);

      // describe names the BuildConfig that feeds the tag.
      const described = captureIO(base);
      expect(await main(['describe', 'app'], described)).toBe(0);
      expect(described.out()).toContain('  Built by BuildConfig/app (deploy/build.yaml:8)');
      expect(repo.api.violations).toEqual([]);
    } finally {
      await repo.api.close();
    }
  }, 60_000);
});
