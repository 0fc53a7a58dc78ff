// `imagestreams describe STREAM`: what `oc describe is` prints, from the declaration plus its lock.

import * as nodeFs from 'node:fs/promises';
import { buildOutputsOf, feedersByTag } from '../../app/build-outputs.js';
import { isUsageDiagnostic } from '../../app/project.js';
import type { Config } from '../../config/config.js';
import type { ReadFs } from '../../config/load.js';
import { readLock } from '../../loader/lock-file.js';
import { hasCode } from '../../model/errors.js';
import { ago } from '../../model/human-time.js';
import type { LockTag, StreamLock } from '../../model/lock.js';
import { importIsInsecure, type LoadedStream, streamTags, type TagReference } from '../../model/stream.js';
import { prioritizeTags } from '../../model/tag-order.js';
import { type Command, usageError } from '../command.js';
import { type CommandIO, EXIT } from '../io.js';
import {
  OUTPUT_HELP,
  OUTPUT_OPTION,
  outputFormat,
  RESOURCES,
  renderObjects,
  streamObject,
  streamTagObject,
} from './output.js';
import { loadFromArgs, PROJECT_OPTIONS, PROJECT_OPTIONS_HELP, printDiagnostics } from './project.js';

const HELP = `Usage: imagestreams describe [is] STREAM [options]
       imagestreams describe istag STREAM:TAG [options]

Print a stream the way \`oc describe is\` does: metadata, image repository, lookup policy, and per tag its
source (tagged from / reference to / updates automatically from), import notes, and the image history from
the lock (newest first, with ages). Works from the declaration alone; history appears once a lock exists.

STREAM is \`name\` or \`namespace/name\`. \`describe istag STREAM:TAG\` shows one tag's current image as
\`oc describe istag\` does: digest, pull spec, when it was first seen, media type, platforms and source.

Options:
${OUTPUT_HELP}
${PROJECT_OPTIONS_HELP}

Examples:
  imagestreams describe python
  imagestreams describe is team-a/python -o yaml
  imagestreams describe istag python:3.12
  imagestreams describe team-a/python --json

Exit codes:
  0  described
  1  the stream's file or lock is invalid
  2  bad usage, or no (or more than one) stream matches STREAM
`;

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

/** Streams matching `name` or `namespace/name`. */
export function findStreams(streams: readonly LoadedStream[], query: string): LoadedStream[] {
  const slash = query.indexOf('/');
  const found =
    slash >= 0
      ? streams.filter((s) => s.namespace === query.slice(0, slash) && s.name === query.slice(slash + 1))
      : streams.filter((s) => s.name === query);
  // A name declared twice in one namespace: the first declaration wins (validate warns about it).
  const seen = new Set<string>();
  return found.filter((s) => {
    const k = `${s.namespace}/${s.name}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Read a lock for a command; an invalid lock is printed and turns into exit code 1. */
export async function lockFor(
  s: LoadedStream,
  root: string,
  config: Config,
  io: CommandIO,
  fs: ReadFs = nodeFs as unknown as ReadFs,
): Promise<{ lock?: StreamLock; failed: boolean }> {
  try {
    const lock = await readLock(fs, root, config, s.namespace, s.name);
    return lock ? { lock, failed: false } : { failed: false };
  } catch (e) {
    if (hasCode(e, 'INVALID_LOCK') || hasCode(e, 'LOCK_UNREADABLE')) {
      io.stderr(`${e.message}\n`);
      return { failed: true };
    }
    throw e;
  }
}

/** The describe command. */
export const describeCommand: Command = {
  name: 'describe',
  summary: 'Show a stream like `oc describe is`: tags, sources and image history from the lock',
  help: HELP,
  options: { ...PROJECT_OPTIONS, ...OUTPUT_OPTION },
  async run(args, io) {
    const out = outputFormat(args.values);
    if ('error' in out) {
      return usageError(io, 'describe', out.error);
    }
    const first = args.positionals[0];
    const resource = first !== undefined && Object.hasOwn(RESOURCES, first) ? RESOURCES[first]! : 'is';
    const rest =
      first !== undefined && Object.hasOwn(RESOURCES, first) ? args.positionals.slice(1) : args.positionals;
    let query = rest[0];
    let tagName: string | undefined;
    if (resource === 'istag' && query !== undefined) {
      const colon = query.lastIndexOf(':');
      if (colon > 0) {
        tagName = query.slice(colon + 1);
        query = query.slice(0, colon);
      }
    }
    if (!query || rest.length > 1 || (resource === 'istag' && !tagName)) {
      io.stderr(
        resource === 'istag'
          ? 'imagestreams describe: give exactly one STREAM:TAG\nRun `imagestreams describe --help`.\n'
          : 'imagestreams describe: give exactly one STREAM (name or namespace/name)\nRun `imagestreams describe --help`.\n',
      );
      return EXIT.USAGE;
    }
    const project = await loadFromArgs(args, io);
    if (project.diagnostics.some(isUsageDiagnostic)) {
      printDiagnostics(project.diagnostics.filter(isUsageDiagnostic), io, io.stderr);
      return EXIT.USAGE;
    }
    const found = findStreams(project.streams, query);
    if (found.length !== 1) {
      const known = [...new Set(project.streams.map((s) => `${s.namespace}/${s.name}`))].sort();
      io.stderr(
        found.length === 0
          ? `imagestreams describe: no stream "${query}" is declared${known.length > 0 ? ` (declared: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''})` : ` under ${project.config.declarations.join(', ')}`}\n`
          : `imagestreams describe: "${query}" is declared in several namespaces (${found.map((s) => s.namespace).join(', ')}): write namespace/name\n`,
      );
      const fileErrors = project.diagnostics.filter((d) => d.severity === 'error');
      if (found.length === 0 && fileErrors.length > 0) {
        io.stderr('Some declaration files are invalid, which may be why:\n');
        printDiagnostics(fileErrors, io, io.stderr);
      }
      return EXIT.USAGE;
    }
    const s = found[0]!;
    const own = project.diagnostics.filter((d) => d.file === s.file && d.severity === 'error');
    printDiagnostics(own, io, io.stderr);
    const { lock, failed } = await lockFor(s, project.root, project.config, io);
    if (tagName !== undefined) {
      const lt = lock?.status.tags.find((t) => t.tag === tagName);
      if (!lt?.items[0]) {
        const declared = streamTags(s.object).some((t) => t.name === tagName);
        io.stderr(
          `imagestreams describe: ${s.namespace}/${s.name}:${tagName} ${declared ? 'has no image yet: run imagestreams import or reconcile' : 'is not declared'}\n`,
        );
        return failed ? EXIT.FAILURE : EXIT.USAGE;
      }
      if (out.format === 'json' || out.format === 'yaml') {
        io.stdout(renderObjects([streamTagObject(s, lt)], out.format, true));
      } else if (out.format === 'name') io.stdout(`imagestreamtag.image.openshift.io/${s.name}:${lt.tag}\n`);
      else if (args.values.json) io.stdout(`${JSON.stringify(streamTagObject(s, lt), null, 2)}\n`);
      else io.stdout(renderDescribeTag(s, lt, io.now()));
      return failed || own.length > 0 ? EXIT.FAILURE : EXIT.OK;
    }
    if (out.format === 'json' || out.format === 'yaml') {
      io.stdout(
        renderObjects([streamObject(s, lock, imageRepository(s, lock, project.config))], out.format, true),
      );
    } else if (out.format === 'name') io.stdout(`imagestream.image.openshift.io/${s.name}\n`);
    else {
      // BuildConfigs whose output.to feeds a tag of this stream (the build half of Build → ImageStream → Deploy).
      const prefix = `${s.namespace}/${s.name}:`;
      const builtBy = new Map(
        [...feedersByTag(await buildOutputsOf(project))]
          .filter(([k]) => k.startsWith(prefix))
          .map(([k, v]) => [k.slice(prefix.length), v]),
      );
      if (args.values.json)
        io.stdout(`${JSON.stringify(describeJson(s, lock, project.config, builtBy), null, 2)}\n`);
      else io.stdout(renderDescribe(s, lock, { now: io.now(), config: project.config, builtBy }));
    }
    return failed || own.length > 0 ? EXIT.FAILURE : EXIT.OK;
  },
};
