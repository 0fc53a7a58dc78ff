// The project walk reads every text file a consumer may live in, and never the lock folder (written only by the
// tool, just written by a reconcile, and read where locks are meant to be read).

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { walkProject } from '../../src/app/walk-project.js';
import { resolveConfig } from '../../src/config/config.js';

const TRIGGER = "metadata:\n  annotations:\n    image.openshift.io/triggers: '[]'\n";
let dir = '';
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('walkProject', () => {
  it('reads consumer candidates anywhere but in the lock folder (a sibling with the same prefix is read)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'walk-project-'));
    for (const d of ['deploy', 'locks/default', 'locks-extra'])
      await mkdir(join(dir, d), { recursive: true });
    await writeFile(join(dir, 'deploy/web.yaml'), TRIGGER);
    await writeFile(join(dir, 'locks/default/app.json'), `{"note": "${TRIGGER.replace(/\n/g, ' ')}"}`);
    await writeFile(join(dir, 'locks-extra/job.yaml'), TRIGGER);
    const config = resolveConfig({ lockDir: 'locks' });
    const walked = await walkProject({ root: dir, config }, []);
    expect(walked.files.map((f) => f.path)).toEqual(['deploy/web.yaml', 'locks-extra/job.yaml']);
  });
});
