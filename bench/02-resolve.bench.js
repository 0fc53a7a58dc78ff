// Bench: resolve 1,000 tags across 100 repositories (half single-arch, half multi-arch) in a local token-auth
// registry with the library, against `skopeo inspect --raw` per tag, sequential and 8-way parallel, same run.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { parseReference } from '../build/model/reference.js';
import { createRegistryClient, createRunResolver } from '../build/registry/index.js';
import {
  MT,
  makeImage,
  pool,
  pushBlob,
  pushManifest,
  startRegistry,
  startTokenServer,
} from '../scripts/lib/registry.js';

const run = promisify(execFile);
const REPOS = 100;
const TAGS = 10;
const SKOPEO_SAMPLE = 100;
const ms = (t) => `${t.toFixed(0)} ms`;

/** Per repo: blobs pushed once (one config per platform, one layer per tag), one manifest per tag. */
async function pushRepo(base, r) {
  const repo = `bench/app${String(r).padStart(3, '0')}`;
  const multi = r % 2 === 1;
  const oci = r % 4 < 2;
  const platforms = multi ? ['amd64', 'arm64'] : ['amd64'];
  const configs = platforms.map(
    (arch) =>
      makeImage({ format: oci ? 'oci' : 'docker', architecture: arch, seed: `${repo}-${arch}` }).config,
  );
  const layers = Array.from({ length: TAGS }, (_, t) => Buffer.from(`layer ${repo} ${t}`));
  await Promise.all([...configs, ...layers].map((b) => pushBlob(base, repo, b, {}, { check: false })));
  const digest = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  const manifestFor = (pi, layer) =>
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: oci ? MT.OCI_MANIFEST : MT.DOCKER_MANIFEST,
        config: {
          mediaType: oci ? MT.OCI_CONFIG : MT.DOCKER_CONFIG,
          size: configs[pi].length,
          digest: digest(configs[pi]),
        },
        layers: [
          { mediaType: oci ? MT.OCI_LAYER : MT.DOCKER_LAYER, size: layer.length, digest: digest(layer) },
        ],
      }),
    );
  const tags = [];
  if (!multi) {
    await Promise.all(
      layers.map(async (layer, t) => {
        await pushManifest(
          base,
          repo,
          `1.${t}.0`,
          manifestFor(0, layer),
          oci ? MT.OCI_MANIFEST : MT.DOCKER_MANIFEST,
        );
        tags.push(`${repo}:1.${t}.0`);
      }),
    );
    return tags;
  }
  // multi-arch: 5 releases, each tagged twice (X.Y.Z and X.Y), as real repositories alias tags
  await Promise.all(
    Array.from({ length: TAGS / 2 }, async (_, v) => {
      const children = platforms.map((_, pi) => manifestFor(pi, layers[v]));
      const mt = oci ? MT.OCI_MANIFEST : MT.DOCKER_MANIFEST;
      await Promise.all(children.map((c) => pushManifest(base, repo, digest(c), c, mt)));
      const idxType = oci ? MT.OCI_INDEX : MT.DOCKER_LIST;
      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: idxType,
          manifests: children.map((c, pi) => ({
            mediaType: mt,
            size: c.length,
            digest: digest(c),
            platform: { os: 'linux', architecture: platforms[pi] },
          })),
        }),
      );
      for (const tag of [`2.${v}.1`, `2.${v}`]) {
        await pushManifest(base, repo, tag, index, idxType);
        tags.push(`${repo}:${tag}`);
      }
    }),
  );
  return tags;
}

const open = await startRegistry();
const tokens = await startTokenServer({});
let reg;
try {
  let t0 = performance.now();
  const tags = (
    await pool(
      Array.from({ length: REPOS }, (_, r) => r),
      16,
      (r) => pushRepo(open.url, r),
    )
  )
    .flat()
    .sort();
  const pushMs = performance.now() - t0;
  reg = await startRegistry({ dataDir: open.dataDir, auth: { token: tokens } });
  const refs = tags.map((t) => parseReference(`${reg.host}/${t}`));
  console.log(
    `pushed ${tags.length} tags in ${REPOS} repositories in ${ms(pushMs)} (blobs once per repo, manifests per tag)`,
  );

  // library, cold: fresh client, every tag asked once; concurrency 8 per registry
  const client = createRegistryClient();
  const resolver = createRunResolver(client);
  const tokensBefore = tokens.state.tokensIssued;
  t0 = performance.now();
  const results = await Promise.all(refs.map((r) => resolver.resolve(r, { importMode: 'PreserveOriginal' })));
  const libMs = performance.now() - t0;
  const s = client.stats();
  const regStats = s.hosts[reg.host];
  const tokenCount = tokens.state.tokensIssued - tokensBefore;
  client.close();

  // library, warm: a fresh client that knows the index contents from the lock (as a re-run does)
  const warm = createRegistryClient();
  for (const r of results) if (r.platforms) warm.rememberIndex(r.ref, r.digest, r.platforms);
  t0 = performance.now();
  await Promise.all(refs.map((r) => warm.resolve(r, { importMode: 'PreserveOriginal' })));
  const warmMs = performance.now() - t0;
  const warmReg = warm.stats().hosts[reg.host];
  warm.close();

  // skopeo baseline on a sample (every 10th tag), extrapolated to all tags
  const sample = tags.filter((_, i) => i % (tags.length / SKOPEO_SAMPLE) === 0);
  const skopeo = async (t) => {
    const { stdout } = await run(
      'skopeo',
      ['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/${t}`],
      { encoding: 'buffer', maxBuffer: 1 << 20 },
    );
    return `sha256:${createHash('sha256').update(stdout).digest('hex')}`;
  };
  t0 = performance.now();
  const seqDigests = [];
  for (const t of sample) seqDigests.push(await skopeo(t));
  const seqMs = ((performance.now() - t0) / sample.length) * tags.length;
  t0 = performance.now();
  await pool(sample, 8, skopeo);
  const parMs = ((performance.now() - t0) / sample.length) * tags.length;

  const byTag = new Map(results.map((r, i) => [tags[i], r.digest]));
  const mismatches = sample.filter((t, i) => byTag.get(t) !== seqDigests[i]).length;
  const multiTags = results.filter((r) => r.platforms).length;
  const heads = regStats.byMethod.HEAD ?? 0;
  const gets = regStats.byMethod.GET ?? 0;

  const other = regStats.requests - heads - gets;
  console.log(
    `library (cold)             ${ms(libMs)} for ${tags.length} tags: ${heads} HEAD (incl. 1 first 401 challenge) + ${gets} GET (the ${gets} distinct indexes behind ${multiTags} multi-arch tags)${other ? ` + ${other} other` : ''} = ${(regStats.requests / tags.length).toFixed(3)} registry requests/tag; ${tokenCount} token requests (${(tokenCount / REPOS).toFixed(2)}/repository)`,
  );
  console.log(
    `library (warm, lock known) ${ms(warmMs)}: ${warmReg.requests} registry requests = ${(warmReg.requests / tags.length).toFixed(3)}/tag`,
  );
  console.log(
    `skopeo inspect --raw, sequential   ${ms(seqMs)} (measured on ${sample.length} tags, extrapolated to ${tags.length})`,
  );
  console.log(
    `skopeo inspect --raw, 8 parallel   ${ms(parMs)} (measured on ${sample.length} tags, extrapolated to ${tags.length})`,
  );
  const ratioSeq = seqMs / libMs;
  const ratioPar = parMs / libMs;
  console.log(
    `ratio: library is ${ratioSeq.toFixed(1)}× faster than (a) sequential skopeo, ${ratioPar.toFixed(1)}× faster than (b) 8-way parallel skopeo (target ≥ 10×: ${ratioPar >= 10 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `requests target (≤ 1/tag + 1 token/repo, plus the one 401 that discovers the auth scheme): warm run ${warmReg.requests <= tags.length + 1 && tokenCount <= REPOS ? 'met' : 'NOT met'}; cold run ${(regStats.requests / tags.length).toFixed(3)}/tag because each distinct index is read once (a HEAD cannot list platforms)`,
  );
  console.log(
    `digests cross-checked against skopeo on ${sample.length} tags: ${mismatches === 0 ? 'all equal' : `${mismatches} MISMATCHES`}`,
  );
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  if (mismatches > 0) process.exitCode = 1;
} finally {
  await reg?.stop();
  await tokens.close();
  await open.stop();
}
