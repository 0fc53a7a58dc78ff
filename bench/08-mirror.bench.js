// Bench: mirror throughput — the copier (what `imagestreams mirror` and Local imports use) against
// `skopeo copy --all --preserve-digests`, on the same image set, same two local registries, same run. Each round
// copies every image into fresh repositories (nothing present), images one after another for both tools; medians
// over the rounds and the ratio are reported, not asserted. A last pass times the copier on what is all there.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { parseReference } from '../build/model/reference.js';
import { createCopier } from '../build/registry/copy/copier.js';
import { digestOf, MT, pool, pushBlob, pushManifest, startRegistry } from '../scripts/lib/registry.js';

const run = promisify(execFile);
const IMAGES = 6;
const PLATFORMS = ['amd64', 'arm64'];
const LAYERS = 3;
const LAYER_BYTES = 2 * 1024 * 1024;
const ROUNDS = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (n) => n / 1024 / 1024;

/** One multi-arch OCI index (random layers, so nothing dedups across images) with an attestation manifest. */
async function pushBenchImage(base, repo) {
  let bytes = 0;
  const children = [];
  for (const arch of [...PLATFORMS, 'attestation']) {
    const att = arch === 'attestation';
    const layers = Array.from({ length: att ? 1 : LAYERS }, () => randomBytes(att ? 512 : LAYER_BYTES));
    const config = Buffer.from(
      JSON.stringify({
        architecture: att ? 'unknown' : arch,
        os: att ? 'unknown' : 'linux',
        rootfs: { type: 'layers', diff_ids: layers.map(digestOf) },
      }),
    );
    await pool([config, ...layers], 4, (b) => pushBlob(base, repo, b, {}, { check: false }));
    bytes += config.length + layers.reduce((n, l) => n + l.length, 0);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MT.OCI_MANIFEST,
        config: { mediaType: MT.OCI_CONFIG, size: config.length, digest: digestOf(config) },
        layers: layers.map((l) => ({ mediaType: MT.OCI_LAYER, size: l.length, digest: digestOf(l) })),
      }),
    );
    await pushManifest(base, repo, digestOf(manifest), manifest, MT.OCI_MANIFEST);
    children.push({
      mediaType: MT.OCI_MANIFEST,
      size: manifest.length,
      digest: digestOf(manifest),
      platform: { os: att ? 'unknown' : 'linux', architecture: att ? 'unknown' : arch },
      ...(att
        ? {
            annotations: {
              'vnd.docker.reference.type': 'attestation-manifest',
              'vnd.docker.reference.digest': children[0].digest,
            },
          }
        : {}),
    });
  }
  const index = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MT.OCI_INDEX, manifests: children }),
  );
  await pushManifest(base, repo, '1.0', index, MT.OCI_INDEX);
  return { repo, digest: digestOf(index), bytes };
}

const source = await startRegistry();
const target = await startRegistry();
try {
  const images = [];
  for (let i = 0; i < IMAGES; i++) images.push(await pushBenchImage(source.url, `bench/img${i}`));
  const total = images.reduce((n, i) => n + i.bytes, 0);
  console.log(
    `image set: ${IMAGES} OCI indexes × (${PLATFORMS.length} platforms of ${LAYERS} × ${mib(LAYER_BYTES)} MiB layers + an attestation) = ${mib(total).toFixed(1)} MiB, source and target are separate local Distribution registries`,
  );
  const copier = createCopier({});
  const ours = [];
  const theirs = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t0 = performance.now();
    for (const img of images) {
      await copier.copy({
        source: parseReference(`${source.host}/${img.repo}`),
        target: parseReference(`${target.host}/ours${r}/${img.repo}`),
        digest: img.digest,
        tag: '1.0',
      });
    }
    ours.push(performance.now() - t0);
    t0 = performance.now();
    for (const img of images) {
      await run('skopeo', [
        'copy',
        '--all',
        '--preserve-digests',
        '--quiet',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        `docker://${source.host}/${img.repo}:1.0`,
        `docker://${target.host}/skopeo${r}/${img.repo}:1.0`,
      ]);
    }
    theirs.push(performance.now() - t0);
  }
  // Cross-check: skopeo's copies carry the same digests as ours.
  const { stdout } = await run('skopeo', [
    'inspect',
    '--raw',
    '--tls-verify=false',
    `docker://${target.host}/skopeo0/${images[0].repo}:1.0`,
  ]);
  const same = digestOf(Buffer.from(stdout)) === images[0].digest;
  const t0 = performance.now();
  for (const img of images)
    await copier.copy({
      source: parseReference(`${source.host}/${img.repo}`),
      target: parseReference(`${target.host}/ours0/${img.repo}`),
      digest: img.digest,
      tag: '1.0',
    });
  const warm = performance.now() - t0;
  copier.close();
  const mo = median(ours);
  const mt = median(theirs);
  const rate = (ms) => `${(mib(total) / (ms / 1000)).toFixed(0)} MiB/s`;
  console.log(
    `imagestreams copier   median ${mo.toFixed(0)} ms (${rate(mo)}) over ${ROUNDS} rounds: ${ours.map((x) => x.toFixed(0)).join(', ')} ms`,
  );
  console.log(
    `skopeo copy --all     median ${mt.toFixed(0)} ms (${rate(mt)}) over ${ROUNDS} rounds: ${theirs.map((x) => x.toFixed(0)).join(', ')} ms`,
  );
  console.log(`ratio: copier is ${(mt / mo).toFixed(2)}× skopeo's speed (reported, not asserted)`);
  console.log(
    `copier again onto a complete target (all present, HEADs only): ${warm.toFixed(0)} ms for ${IMAGES} images`,
  );
  console.log(
    `digests: skopeo's copy ${same ? 'has the same index digest' : 'has a DIFFERENT index digest'} as the source and the copier`,
  );
} finally {
  await Promise.all([source.stop(), target.stop()]);
}
