// `imagestreams describe STREAM`: what `oc describe is` prints, from the declaration plus its lock.

import { buildOutputsOf, feedersByTag } from '../../app/build-outputs.js';
import type { LoadedProject } from '../../loader/load.js';
import type { StreamLock } from '../../model/lock.js';
import type { LoadedStream } from '../../model/stream.js';
import { streamTags } from '../../model/stream.js';
import { describeJson, imageRepository, renderDescribe, renderDescribeTag } from '../../render/describe.js';
import { type Command, type ParsedArgs, usageError } from '../command.js';
import { type CommandIO, EXIT } from '../io.js';
import {
  OUTPUT_HELP,
  OUTPUT_OPTION,
  type OutputFormat,
  outputFormat,
  RESOURCES,
  renderObjects,
  streamObject,
  streamTagObject,
} from './output.js';
import { PROJECT_OPTIONS, PROJECT_OPTIONS_HELP, printDiagnostics } from './project.js';
import { findStreams, lockFor, queryProject } from './stream-query.js';

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

/** What to describe: a stream, or with `istag` one of its tags; else the exit code after the usage error. */
function describeTarget(args: ParsedArgs, io: CommandIO): { query: string; tagName?: string } | number {
  const first = args.positionals[0];
  const named = first !== undefined && Object.hasOwn(RESOURCES, first);
  const istag = named && RESOURCES[first] === 'istag';
  const rest = named ? args.positionals.slice(1) : args.positionals;
  let query = rest[0];
  let tagName: string | undefined;
  if (istag && query !== undefined) {
    const colon = query.lastIndexOf(':');
    if (colon > 0) {
      tagName = query.slice(colon + 1);
      query = query.slice(0, colon);
    }
  }
  if (query && rest.length === 1 && (!istag || tagName)) return tagName ? { query, tagName } : { query };
  io.stderr(
    istag
      ? 'imagestreams describe: give exactly one STREAM:TAG\nRun `imagestreams describe --help`.\n'
      : 'imagestreams describe: give exactly one STREAM (name or namespace/name)\nRun `imagestreams describe --help`.\n',
  );
  return EXIT.USAGE;
}

/** Says why `query` names no single stream (and which files are invalid, which may be why); exit 2. */
function notOneStream(project: LoadedProject, query: string, found: LoadedStream[], io: CommandIO): number {
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

/** The describe command. */
export const describeCommand: Command = {
  name: 'describe',
  summary: 'Show a stream like `oc describe is`: tags, sources and image history from the lock',
  help: HELP,
  options: { ...PROJECT_OPTIONS, ...OUTPUT_OPTION },
  async run(args, io) {
    const out = outputFormat(args.values);
    if ('error' in out) return usageError(io, 'describe', out.error);
    const target = describeTarget(args, io);
    if (typeof target === 'number') return target;
    const project = await queryProject(args, io);
    if (typeof project === 'number') return project;
    const found = findStreams(project.streams, target.query);
    if (found.length !== 1) return notOneStream(project, target.query, found, io);
    const s = found[0]!;
    const own = project.diagnostics.filter((d) => d.file === s.file && d.severity === 'error');
    printDiagnostics(own, io, io.stderr);
    const { lock, failed } = await lockFor(s, project.root, project.config, io);
    const show = { format: out.format, json: Boolean(args.values.json) };
    const code =
      target.tagName !== undefined
        ? describeTag(s, lock, target.tagName, show, io)
        : await describeStream(s, lock, project, show, io);
    if (code !== EXIT.OK) return failed ? EXIT.FAILURE : code;
    return failed || own.length > 0 ? EXIT.FAILURE : EXIT.OK;
  },
};

type Show = { format: OutputFormat | undefined; json: boolean };

function describeTag(
  s: LoadedStream,
  lock: StreamLock | undefined,
  tagName: string,
  show: Show,
  io: CommandIO,
): number {
  const lt = lock?.status.tags.find((t) => t.tag === tagName);
  if (!lt?.items[0]) {
    const declared = streamTags(s.object).some((t) => t.name === tagName);
    io.stderr(
      `imagestreams describe: ${s.namespace}/${s.name}:${tagName} ${declared ? 'has no image yet: run imagestreams import or reconcile' : 'is not declared'}\n`,
    );
    return EXIT.USAGE;
  }
  if (show.format === 'json' || show.format === 'yaml') {
    io.stdout(renderObjects([streamTagObject(s, lt)], show.format, true));
  } else if (show.format === 'name') io.stdout(`imagestreamtag.image.openshift.io/${s.name}:${lt.tag}\n`);
  else if (show.json) io.stdout(`${JSON.stringify(streamTagObject(s, lt), null, 2)}\n`);
  else io.stdout(renderDescribeTag(s, lt, io.now()));
  return EXIT.OK;
}

async function describeStream(
  s: LoadedStream,
  lock: StreamLock | undefined,
  project: LoadedProject,
  show: Show,
  io: CommandIO,
): Promise<number> {
  if (show.format === 'json' || show.format === 'yaml') {
    const object = streamObject(s, lock, imageRepository(s, lock, project.config));
    io.stdout(renderObjects([object], show.format, true));
  } else if (show.format === 'name') io.stdout(`imagestream.image.openshift.io/${s.name}\n`);
  else {
    // BuildConfigs whose output.to feeds a tag of this stream (the build half of Build → ImageStream → Deploy).
    const prefix = `${s.namespace}/${s.name}:`;
    const builtBy = new Map(
      [...feedersByTag(await buildOutputsOf(project))]
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
    if (show.json) io.stdout(`${JSON.stringify(describeJson(s, lock, project.config, builtBy), null, 2)}\n`);
    else io.stdout(renderDescribe(s, lock, { now: io.now(), config: project.config, builtBy }));
  }
  return EXIT.OK;
}
