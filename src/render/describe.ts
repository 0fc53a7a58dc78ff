// What `describe` prints, as `oc describe is` / `oc describe istag` print it (tab-aligned fields, the image
// history newest first with ages), and its --json form: the declaration's tags joined with their lock state.

import type { Config } from '../config/config.js';
import { ago } from '../model/human-time.js';
import type { LockTag, StreamLock } from '../model/lock.js';
import { importIsInsecure, type LoadedStream, streamTags, type TagReference } from '../model/stream.js';
import { prioritizeTags } from '../model/tag-order.js';

const LABELS = [
  'Name',
  'Namespace',
  'Created',
  'Labels',
  'Annotations',
  'Image Repository',
  'Image Lookup',
  'Unique Images',
  'Tags',
];
const COLUMN = Math.ceil((Math.max(...LABELS.map((l) => l.length + 1)) + 1) / 8) * 8;

function field(label: string, value: string): string {
  const head = `${label}:`;
  return `${head}${'\t'.repeat(Math.ceil((COLUMN - head.length) / 8))}${value}\n`;
}

function continuation(value: string): string {
  return `${'\t'.repeat(COLUMN / 8)}${value}\n`;
}

function mapLines(
  label: string,
  m: Record<string, string | null> | null | undefined,
  oneLine: boolean,
): string {
  const entries = Object.entries(m ?? {})
    .filter(([, v]) => v !== null)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return field(label, '<none>');
  if (oneLine) return field(label, entries.map(([k, v]) => `${k}=${v}`).join(','));
  return entries
    .map(([k, v], i) => (i === 0 ? field(label, `${k}=${v}`) : continuation(`${k}=${v}`)))
    .join('');
}

/** The repository consumers pull from: the lock's, else the local registry's, else spec.dockerImageRepository. */
export function imageRepository(
  s: LoadedStream,
  lock: StreamLock | undefined,
  config: Pick<Config, 'localRegistry'>,
): string {
  return (
    lock?.status.dockerImageRepository ||
    (config.localRegistry ? `${config.localRegistry}/${s.namespace}/${s.name}` : '') ||
    s.object.spec?.dockerImageRepository ||
    ''
  );
}

function sourceName(s: LoadedStream, t: TagReference): string {
  const from = t.from!;
  return from.namespace && from.namespace !== s.namespace ? `${from.namespace}/${from.name}` : from.name;
}

function sourceLines(s: LoadedStream, t: TagReference | undefined): string[] {
  if (!t) return ['  not declared (only in the lock)'];
  if (!t.from) return ['  tag without source image'];
  const name = sourceName(s, t);
  const scheduled = Boolean(t.importPolicy?.scheduled);
  const lines: string[] = [];
  switch (t.from.kind) {
    case 'DockerImage':
      lines.push(
        t.reference
          ? `  reference to registry ${name}`
          : scheduled
            ? `  updates automatically from registry ${name}`
            : `  tagged from ${name}`,
      );
      break;
    case 'ImageStreamTag':
      lines.push(t.reference ? `  reference to ${name}` : `  tagged from ${name}`);
      break;
    case 'ImageStreamImage':
      lines.push(t.reference ? `  reference to image ${name}` : `  tagged from ${name}`);
      break;
  }
  if (importIsInsecure(s.object.metadata, t)) lines.push('    will use insecure HTTPS or HTTP connections');
  if (t.referencePolicy?.type === 'Local')
    lines.push('    prefer registry pullthrough when referencing this tag');
  if (t.importPolicy?.importMode === 'PreserveOriginal')
    lines.push('    will preserve the original manifest list (every platform)');
  return lines;
}

function extraLines(t: TagReference | undefined): string[] {
  const a = t?.annotations ?? {};
  const split = (v: string) =>
    v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
      .join(', ');
  const out: string[] = [];
  if (a.description) out.push(`  ${a.description}`);
  if (a.tags) out.push(`  Tags: ${split(a.tags)}`);
  if (a.supports) out.push(`  Supports: ${split(a.supports)}`);
  if (a.sampleRepo) out.push(`  Example Repo: ${a.sampleRepo}`);
  return out;
}

/** Tags of the same stream that follow `tag` (shown as `3.12 (latest)`, like oc). */
function aliasesOf(s: LoadedStream, tag: string): string[] {
  return streamTags(s.object)
    .filter((t) => {
      if (t.from?.kind !== 'ImageStreamTag' || (t.from.namespace && t.from.namespace !== s.namespace))
        return false;
      return t.from.name === tag || t.from.name === `${s.name}:${tag}`;
    })
    .map((t) => t.name);
}

/** The `oc describe is` text for one stream and its lock, ages relative to `now`. */
export function renderDescribe(
  s: LoadedStream,
  lock: StreamLock | undefined,
  opts: { now: Date; config: Pick<Config, 'localRegistry'>; builtBy?: ReadonlyMap<string, string[]> },
): string {
  const meta = s.object.metadata;
  const specTags = streamTags(s.object);
  const lockTags = lock?.status.tags ?? [];
  const names = prioritizeTags([...specTags.map((t) => t.name), ...lockTags.map((t) => t.tag)]);
  const images = new Set(lockTags.flatMap((t) => t.items.map((i) => i.image)));
  const oldest = lockTags
    .flatMap((t) => t.items.map((i) => i.created))
    .sort()
    .at(0);
  const created = ago(opts.now, meta.creationTimestamp ?? oldest);
  let out = field('Name', s.name) + field('Namespace', s.namespace);
  if (created) out += field('Created', created);
  out += mapLines('Labels', meta.labels, true);
  out += mapLines('Annotations', meta.annotations, false);
  out += field('Image Repository', imageRepository(s, lock, opts.config) || '<none>');
  out += field('Image Lookup', `local=${Boolean(s.object.spec?.lookupPolicy?.local)}`);
  out += field('Unique Images', String(images.size));
  if (names.length === 0) return out + field('Tags', '<none>');
  out += field('Tags', String(names.length));
  const blocks = names.map((name) => {
    const t = specTags.find((x) => x.name === name);
    const lt = lockTags.find((x) => x.tag === name);
    const aliases = aliasesOf(s, name);
    const lines = [aliases.length > 0 ? `${name} (${aliases.join(', ')})` : name, ...sourceLines(s, t), ''];
    const extra = extraLines(t);
    if (extra.length > 0) lines.push(...extra, '');
    const builds = opts.builtBy?.get(name) ?? [];
    if (builds.length > 0) lines.push(...builds.map((b) => `  Built by ${b}`), '');
    const failed = lt?.conditions?.find((c) => c.type === 'ImportSuccess' && c.status === 'False');
    if (failed) {
      lines.push(`  ! error: Import failed (${failed.reason}): ${failed.message}`);
      lines.push(`      ${ago(opts.now, failed.lastTransitionTime) ?? ''}`);
    }
    (lt?.items ?? []).forEach((item, i) => {
      lines.push(`  ${i === 0 ? '*' : ' '} ${item.dockerImageReference}`);
      lines.push(`      ${ago(opts.now, item.created) ?? ''}`);
    });
    while (lines.at(-1) === '') lines.pop();
    return lines.join('\n');
  });
  return `${out}\n${blocks.join('\n\n')}\n`;
}

/** The `oc describe istag` text for one tag's current image, ages relative to `now`. */
export function renderDescribeTag(s: LoadedStream, lt: LockTag, now: Date): string {
  const item = lt.items[0]!;
  let out = field('Image Name', `${s.name}:${lt.tag}`);
  out += field('Namespace', s.namespace);
  out += field('Docker Image', item.dockerImageReference);
  out += field('Name', item.image);
  out += field('Created', ago(now, item.created) ?? item.created);
  if (item.mediaType) out += field('Media Type', item.mediaType);
  if (item.index && item.index !== item.image) out += field('Index', item.index);
  const platforms = item.platforms ?? [];
  if (platforms.length > 0) {
    const names = platforms.map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'));
    const w = Math.max(...names.map((n) => n.length));
    platforms.forEach((p, i) => {
      const line = `${names[i]!.padEnd(w)}  ${p.digest}`;
      out += i === 0 ? field('Platforms', line) : continuation(line);
    });
  }
  const source = sourceLines(
    s,
    streamTags(s.object).find((t) => t.name === lt.tag),
  );
  out += field('Source', source[0]!.trim());
  out += field(
    'History',
    `${lt.items.length} image${lt.items.length === 1 ? '' : 's'} (imagestreams describe ${s.name})`,
  );
  return out;
}

/** The --json form of describe: the declaration's tags joined with their lock state. */
export function describeJson(
  s: LoadedStream,
  lock: StreamLock | undefined,
  config: Pick<Config, 'localRegistry'>,
  builtBy?: ReadonlyMap<string, string[]>,
) {
  const specTags = streamTags(s.object);
  const lockTags = lock?.status.tags ?? [];
  const names = prioritizeTags([...specTags.map((t) => t.name), ...lockTags.map((t) => t.tag)]);
  return {
    name: s.name,
    namespace: s.namespace,
    file: s.file,
    imageRepository: imageRepository(s, lock, config) || null,
    lookupLocal: Boolean(s.object.spec?.lookupPolicy?.local),
    uniqueImages: new Set(lockTags.flatMap((t) => t.items.map((i) => i.image))).size,
    labels: s.object.metadata.labels ?? {},
    annotations: s.object.metadata.annotations ?? {},
    tags: names.map((name) => {
      const lt = lockTags.find((x) => x.tag === name);
      return {
        name,
        spec: specTags.find((x) => x.name === name) ?? null,
        current: lt?.items[0] ?? null,
        items: lt?.items ?? [],
        conditions: lt?.conditions ?? [],
        ...(builtBy?.get(name)?.length ? { builtBy: builtBy.get(name) } : {}),
      };
    }),
  };
}
