// planRegistryChecks (what verify --registry asks): for any declared streams and their locks, changing any one locked
// digest (image, index or a platform) to another well-formed digest is caught — the plan asks the declared
// repository for it, which (as a registry holding only the real digests) does not have it. Also examples of the
// repository and staleness rules, and of deduplication across followers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PlatformImage, StreamLock } from '../../src/model/lock.js';
import type { ImageStream, LoadedStream } from '../../src/model/stream.js';
import { planRegistryChecks } from '../../src/plan/registry-checks.js';
import { indexStreams } from '../../src/policy/follow-chain.js';
import { specKey } from '../../src/policy/tag-spec.js';
import { nthDigest } from '../helpers/builders.js';
import { check } from '../helpers/property.js';

function loaded(name: string, object: ImageStream): LoadedStream {
  return {
    file: `imagestreams/${name}.yaml`,
    namespace: 'ns',
    name,
    object,
    tagPosition: () => ({ line: 1, column: 1 }),
    position: () => ({ line: 1, column: 1 }),
  };
}

interface GenTag {
  repo: string;
  image: number;
  platforms: number[];
  follower: boolean;
}

/** A stream of tags t0…tn (followers follow t0) and its lock, digests numbered from `n`. */
function build(tags: GenTag[]): { streams: LoadedStream[]; locks: Map<string, StreamLock> } {
  const first = tags[0]!;
  const specs = tags.map((t, i) =>
    i > 0 && t.follower
      ? { name: `t${i}`, from: { kind: 'ImageStreamTag', name: 't0' } }
      : { name: `t${i}`, from: { kind: 'DockerImage', name: `quay.io/org/${t.repo}:1` } },
  );
  const lockTags = tags.map((t, i) => {
    const src = i > 0 && t.follower ? first : t;
    const platforms: PlatformImage[] = src.platforms.map((d, j) => ({
      os: 'linux',
      architecture: `arch${j}`,
      digest: nthDigest(d),
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    }));
    return {
      tag: `t${i}`,
      spec: specKey(specs[i]!),
      items: [
        {
          created: '2026-01-01T00:00:00Z',
          dockerImageReference: `quay.io/org/${src.repo}@${nthDigest(src.image)}`,
          image: nthDigest(src.image),
          generation: 1,
          ...(platforms.length ? { platforms } : {}),
        },
      ],
    };
  });
  const object = { kind: 'ImageStream', metadata: { name: 's' }, spec: { tags: specs } } as ImageStream;
  const lock: StreamLock = {
    apiVersion: 'imagestreams.dev/v1alpha1',
    kind: 'ImageStreamLock',
    metadata: { name: 's', namespace: 'ns' },
    status: { tags: lockTags },
  };
  return { streams: [loaded('s', object)], locks: new Map([['ns/s', lock]]) };
}

/** Every locked digest with where it sits, as `repo@digest` the registry holds. */
function registryOf(lock: StreamLock): Set<string> {
  const have = new Set<string>();
  for (const t of lock.status.tags) {
    const item = t.items[0]!;
    const repo = item.dockerImageReference.split('@')[0]!;
    for (const d of [item.image, ...(item.platforms ?? []).map((p) => p.digest)]) have.add(`${repo}@${d}`);
  }
  return have;
}

/** The problems verify --registry reports for a plan against a registry that holds `have`. */
function caught(streams: LoadedStream[], locks: Map<string, StreamLock>, have: Set<string>): string[] {
  const plan = planRegistryChecks(streams, indexStreams(streams), locks);
  return [
    ...plan.problems.filter((p) => p.severity === 'error').map((p) => `${p.code} ${p.site.tag}`),
    ...plan.checks.filter((c) => !have.has(`${c.repository}@${c.digest}`)).map((c) => `unknown ${c.key}`),
  ];
}

const genTag = fc.record({
  repo: fc.constantFrom('a', 'b', 'c'),
  image: fc.integer({ min: 1, max: 40 }),
  platforms: fc.uniqueArray(fc.integer({ min: 41, max: 80 }), { maxLength: 3 }),
  follower: fc.boolean(),
});

describe('planRegistryChecks', () => {
  it('property: any one locked digest changed to another well-formed digest is caught', async () => {
    await check(
      fc.property(
        fc.array(genTag, { minLength: 1, maxLength: 5 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1000, max: 2000 }),
        (tags, tagPick, fieldPick, replacement) => {
          const { streams, locks } = build(tags);
          const lock = locks.get('ns/s')!;
          const have = registryOf(lock);
          expect(caught(streams, locks, have)).toEqual([]);
          const item = lock.status.tags[tagPick % lock.status.tags.length]!.items[0]!;
          const fields = [
            (d: string) => {
              item.image = d;
              item.dockerImageReference = `${item.dockerImageReference.split('@')[0]}@${d}`;
            },
            ...(item.platforms ?? []).map((p) => (d: string) => {
              p.digest = d;
            }),
          ];
          fields[fieldPick % fields.length]!(nthDigest(replacement));
          expect(caught(streams, locks, have).length).toBeGreaterThan(0);
        },
      ),
      300,
    );
  });

  it('asks once for a digest that followers share, and names every tag it stands for', () => {
    const { streams, locks } = build([
      { repo: 'a', image: 1, platforms: [2], follower: false },
      { repo: 'a', image: 9, platforms: [], follower: true },
    ]);
    const plan = planRegistryChecks(streams, indexStreams(streams), locks);
    expect(plan.checks.map((c) => [c.key, c.sites.map((s) => s.tag)])).toEqual([
      [`quay.io/org/a@${nthDigest(1)}`, ['ns/s:t0', 'ns/s:t1']],
      [`quay.io/org/a@${nthDigest(2)}`, ['ns/s:t0', 'ns/s:t1']],
    ]);
  });

  it('a lock naming another repository than its tag is an error; after a declaration edit a warning', () => {
    const { streams, locks } = build([{ repo: 'a', image: 1, platforms: [], follower: false }]);
    const item = locks.get('ns/s')!.status.tags[0]!.items[0]!;
    item.dockerImageReference = `quay.io/evil/a@${nthDigest(1)}`;
    let plan = planRegistryChecks(streams, indexStreams(streams), locks);
    expect(plan.problems.map((p) => [p.code, p.severity])).toEqual([['LOCKED_REPOSITORY_MISMATCH', 'error']]);
    expect(plan.checks).toEqual([]);
    // The declaration moved to another repository since the lock was written: the lock is stale, not forged.
    streams[0]!.object.spec!.tags![0]!.from!.name = 'quay.io/org/moved:1';
    item.dockerImageReference = `quay.io/org/a@${nthDigest(1)}`;
    plan = planRegistryChecks(streams, indexStreams(streams), locks);
    expect(plan.problems.map((p) => [p.code, p.severity])).toEqual([['LOCKED_SPEC_STALE', 'warning']]);
    expect(plan.checks.map((c) => c.repository)).toEqual(['quay.io/org/a']);
  });

  it('a Local tag is also checked at the local registry, where its consumers are pinned', () => {
    const { streams, locks } = build([{ repo: 'a', image: 1, platforms: [], follower: false }]);
    streams[0]!.object.spec!.tags![0]!.referencePolicy = { type: 'Local' };
    const plan = planRegistryChecks(streams, indexStreams(streams), locks, {
      localRegistry: 'registry.local:5000/mirror',
    });
    expect(plan.checks.map((c) => c.key)).toEqual([
      `quay.io/org/a@${nthDigest(1)}`,
      `registry.local:5000/mirror/ns/s@${nthDigest(1)}`,
    ]);
    expect(plan.checks[1]!.sites[0]!.what).toBe('image at the local registry');
  });
});
