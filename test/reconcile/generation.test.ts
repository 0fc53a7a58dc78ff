// `spec.tags[].generation`: a tag that is neither scheduled nor changed keeps its digest even when upstream moved;
// setting a generation forces exactly one import (the lock records it as observedGeneration), and only a new value
// forces the next one. Against a real registry.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage, pushImage, type RunningRegistry, startRegistry } from '../../scripts/lib/registry.js';
import { main } from '../../src/entry/cli.js';
import { captureIO } from '../helpers/capture-io.js';

let reg: RunningRegistry;
let dir: string;

beforeAll(async () => {
  reg = await startRegistry();
  dir = mkdtempSync(join(tmpdir(), 'generation-'));
  mkdirSync(join(dir, 'imagestreams'));
});
afterAll(async () => {
  await reg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function declare(generation?: number): void {
  const gen = generation === undefined ? '' : `      generation: ${generation}\n`;
  writeFileSync(
    join(dir, 'imagestreams', 'app.yaml'),
    `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: app\nspec:\n  tags:\n    - name: main\n      from: {kind: DockerImage, name: "${reg.host}/gen/app:main"}\n${gen}`,
  );
}

async function push(seed: string): Promise<string> {
  const image = makeImage({ seed });
  await pushImage(reg.url, 'gen/app', 'main', image);
  return image.digest;
}

/** Reconciles and returns the tag's current digest and the generation its last import was made for. */
async function reconcile(): Promise<{ image: string; observed: unknown }> {
  const io = captureIO(dir);
  expect(await main(['reconcile', '--json'], io), io.err()).toBe(0);
  const lock = JSON.parse(readFileSync(join(dir, 'imagestreams.lock', 'default', 'app.json'), 'utf8'));
  const tag = lock.status.tags[0];
  return { image: tag.items[0].image, observed: tag.observedGeneration };
}

describe('tag generation', () => {
  it('a value forces one import, the same value none, a new value forces again', async () => {
    const d1 = await push('g1');
    declare();
    expect((await reconcile()).image).toBe(d1);

    // Upstream moved; the tag is not scheduled and its spec did not change: it keeps its digest.
    const d2 = await push('g2');
    expect((await reconcile()).image).toBe(d1);

    // Setting a generation forces one import …
    declare(1);
    expect(await reconcile()).toMatchObject({ image: d2, observed: 1 });
    // … and only one: upstream moves again, the same generation changes nothing.
    const d3 = await push('g3');
    expect(await reconcile()).toMatchObject({ image: d2, observed: 1 });
    expect(await reconcile()).toMatchObject({ image: d2, observed: 1 });

    // A new value forces the next import.
    declare(2);
    expect(await reconcile()).toMatchObject({ image: d3, observed: 2 });
    expect((await reconcile()).image).toBe(d3);
  }, 60_000);

  it('0 is a value like any other (the state of the test above continues): changing to it forces one import', async () => {
    const before = (await reconcile()).image;
    declare(0);
    const d4 = await push('g4');
    expect(before).not.toBe(d4);
    expect(await reconcile()).toMatchObject({ image: d4, observed: 0 });
    await push('g5');
    expect(await reconcile()).toMatchObject({ image: d4, observed: 0 });
  }, 60_000);
});
