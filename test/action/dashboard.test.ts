// The dashboard issue as the bundled Action runs it (dist/index.js, as a runner runs it) against a real registry,
// a real git http-backend and the OpenAPI-validated GitHub fake: a token without `issues: write` still opens the
// pull request, the step succeeds (exit 0) and warns with the permission to add.
import { describe, expect, it } from 'vitest';
import { hostedRepo } from '../helpers/hosted-repo.js';
import { makeImage, pushImage } from '../helpers/push-images.js';
import { useRealParts } from '../helpers/real-parts.js';
import { runActionBundle } from './harness.js';

const TOKEN = 'ghs_actiondashboard_0123456789abcdef';
const parts = useRealParts(TOKEN, 'action-dashboard');

describe('the bundled Action with publish.dashboard', () => {
  it('publishes and exits 0 when the dashboard issue cannot be written, with a warning naming issues: write', async () => {
    const { reg, server, work } = parts;
    await pushImage(reg.url, 'actdash/app', ['1'], makeImage({ seed: 'actdash' }));
    const repo = await hostedRepo(
      server,
      work,
      'actdash',
      {
        'imagestreams/app.yaml': [
          'kind: ImageStream',
          'metadata: {name: app}',
          'spec:',
          '  tags:',
          '    - name: web',
          `      from: {kind: DockerImage, name: "${reg.host}/actdash/app:1"}`,
          '',
        ].join('\n'),
        '.imagestreams.yaml': 'publish:\n  dashboard: true\n',
      },
      TOKEN,
    );
    const { api } = repo;
    try {
      const forbidden = {
        status: 403,
        body: {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com',
        },
      };
      api.fail('issues/create', forbidden);
      const r = await runActionBundle({
        inputs: { token: TOKEN },
        eventName: 'schedule',
        event: { schedule: '17 * * * *' },
        workspace: await repo.checkout(),
        repository: 'acme/actdash',
        apiUrl: api.url,
        serverUrl: server.url,
      });
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.outputs['exit-code']).toBe('0');
      expect(api.pulls.map((p) => p.state)).toEqual(['open']);
      expect(api.issues).toEqual([]);
      expect(r.stdout).toMatch(/^::warning::the dashboard issue was not updated: .*issues: write/m);
      // The runner is told to mask the token (::add-mask::); nothing else may show it.
      const shown = `${r.stdout}\n${r.stderr}\n${r.summary}`.replace(/^::add-mask::.*$/gm, '');
      expect(shown).not.toContain(TOKEN);
      expect(api.violations).toEqual([]);
    } finally {
      await api.close();
    }
  }, 60_000);
});
