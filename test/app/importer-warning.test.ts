// The default Legacy mode meeting a multi-arch source says so (which platform consumers get, and how to choose);
// a mode chosen by the tag or the config stays quiet. A 401 from a registry whose credential variables the config
// names but the environment lacks names those variables. Against the real registry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImporter } from '../../src/app/importer.js';
import { resolveConfig } from '../../src/config/config.js';
import type { ImportRequest } from '../../src/plan/next-locks.js';
import { createLogger } from '../../src/util/logger.js';
import { pushSampleImages } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';

let reg: RunningRegistry;
let basic: RunningRegistry;
beforeAll(async () => {
  reg = await startRegistry();
  await pushSampleImages(reg.url);
  basic = await startRegistry({
    dataDir: reg.dataDir,
    auth: { htpasswd: { users: { alice: 'pw-123456' } } },
  });
});
afterAll(async () => {
  await basic?.stop();
  await reg?.stop();
});

async function importWith(from: string, extra: Partial<ImportRequest>) {
  const lines: string[] = [];
  const importer = createImporter({
    config: resolveConfig({}),
    env: {},
    logger: createLogger((l) => lines.push(l)),
  });
  const req: ImportRequest = {
    key: 'default/app:1',
    namespace: 'default',
    stream: 'app',
    tag: '1',
    from,
    locked: [],
    importMode: 'Legacy',
    insecure: false,
    reason: 'new',
    ...extra,
  };
  const r = await importer.importTag(req);
  importer.close();
  expect(r.ok).toBe(true);
  return lines.join('');
}

describe('Legacy by default on a multi-arch source', () => {
  it('warns, naming the tag, the platforms, what consumers get and the two settings', async () => {
    const out = await importWith(`${reg.host}/sample/list:1.0`, { importModeDefaulted: true });
    expect(out).toContain(`default/app:1: ${reg.host}/sample/list:1.0 is multi-arch (`);
    expect(out).toContain('pins its consumers to linux/amd64 only');
    expect(out).toContain('importPolicy.importMode: PreserveOriginal');
    expect(out).toContain('importMode: PreserveOriginal in .imagestreams.yaml');
  });

  it('stays quiet when the mode was chosen, or the source is single-arch', async () => {
    expect(await importWith(`${reg.host}/sample/list:1.0`, {})).toBe('');
    expect(await importWith(`${reg.host}/sample/docker:1.0`, { importModeDefaulted: true })).toBe('');
  });
});

describe('credentials the config names but the environment lacks', () => {
  it('a 401 names the unset variables and where to set them', async () => {
    const config = resolveConfig({
      registries: {
        [basic.host]: { credentials: { usernameEnv: 'QUAY_USER', passwordEnv: 'QUAY_PASSWORD' } },
      },
    });
    const run = async (env: Record<string, string>) => {
      const importer = createImporter({ config, env, logger: createLogger(() => {}) });
      const r = await importer.importTag({
        key: 'default/app:1',
        namespace: 'default',
        stream: 'app',
        tag: '1',
        from: `${basic.host}/sample/docker:1.0`,
        locked: [],
        importMode: 'Legacy',
        insecure: false,
        reason: 'new',
      });
      importer.close();
      return r;
    };
    const none = await run({});
    expect(none.ok).toBe(false);
    if (none.ok) return;
    expect(none.reason).toBe('Unauthorized');
    expect(none.message).toContain(
      `The config names $QUAY_USER and $QUAY_PASSWORD for ${basic.host} (registries.${basic.host}.credentials), but they are not set`,
    );
    const half = await run({ QUAY_USER: 'alice' });
    expect(!half.ok && half.message).toContain('names $QUAY_PASSWORD for');
    expect((await run({ QUAY_USER: 'alice', QUAY_PASSWORD: 'pw-123456' })).ok).toBe(true);
  });
});
