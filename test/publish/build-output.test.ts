// Recording a build's output, as a CI job would after pushing an image: the Action's `import` with
// `--from REPO@DIGEST` points the stream tag at exactly that image, and one PR carries the declaration edit, the
// lock and the consumers that follow the tag (the Build → ImageStream → Deploy hand-off of the seed).

import { describe, expect, it } from 'vitest';
import { makeImage, pushImage } from '../../scripts/lib/registry.js';
import { main } from '../../src/entry/cli.js';
import { runActionBundle } from '../action/harness.js';
import { captureIO } from '../helpers/capture-io.js';
import { fileAt, hostedRepo } from '../helpers/hosted-repo.js';
import { useRealParts } from '../helpers/real-parts.js';

const TOKEN = 'ghs_buildoutput_0123456789abcdef';
const parts = useRealParts(TOKEN, 'build');

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
    const deployment = `apiVersion: apps/v1
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
    const repo = await hostedRepo(
      parts.server,
      parts.work,
      'build',
      { 'imagestreams/app.yaml': declaration, 'deploy/web.yaml': deployment },
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
});
