// The default Legacy mode meeting a multi-arch source says so (which platform consumers get, and how to choose);
// a mode chosen by the tag or the config stays quiet. Against the real registry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/config.js';
import { createImporter } from '../../src/entry/importer.js';
import { createLogger } from '../../src/entry/logger.js';
import type { ImportRequest } from '../../src/plan/next-locks.js';
import { pushSampleImages } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';

let reg: RunningRegistry;
beforeAll(async () => {
  reg = await startRegistry();
  await pushSampleImages(reg.url);
});
afterAll(async () => {
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
