// `imagestreams tag SOURCE DEST…`: edit the declarations the way `oc tag` edits the objects.

import * as nodeFs from 'node:fs/promises';
import { applyTagEdits, findStream, type TagEdit } from '../../app/stream-edits.js';
import { readLock } from '../../loader/lock-file.js';
import { hasErrors } from '../../model/diagnostic.js';
import { ImagestreamsError } from '../../model/errors.js';
import type { StreamTagName } from '../../model/stream-tag.js';
import { missingAliasTargets, planTag, type TagAction } from '../../policy/oc-tag.js';
import { newTag, type TagSpecChange, tagSpecEdits } from '../../policy/tag-edit.js';
import { type Command, usageError } from '../command.js';
import { type CommandIO, EXIT } from '../io.js';
import { loadFromArgs, PROJECT_OPTIONS, PROJECT_OPTIONS_HELP, printDiagnostics } from './project.js';
import { PUBLISH_OPTION, PUBLISH_OPTION_HELP, publishModeOf, recordEdit } from './record.js';

const HELP = `Usage: imagestreams tag SOURCE DEST… [options]
       imagestreams tag --delete STREAM:TAG…

Point stream tags at an image, another tag, or an image from a stream's history, by editing the
declaration files in place (comments, key order and formatting are kept; only changed values change).
Rules are those of \`oc tag\`:
  - SOURCE with a registry host (quay.io/org/app:1, localhost:5000/app:1) is a DockerImage;
    stream@sha256:… is an ImageStreamImage (an image from that stream's history);
    [namespace/]stream:tag is an ImageStreamTag; a bare name (mysql) is a DockerImage.
    --source overrides the guess.
  - DEST without a tag (app) is app:latest.
  - Tagging onto an existing tag replaces its whole spec: what is not given again (--scheduled,
    policies, annotations) is dropped.
  - An ImageStreamTag source without --alias is copied as the image it points at now
    (the destination becomes stream@sha256:…); with --alias the destination tracks it.
  - --alias works only within one stream, to a declared tag, and not with --scheduled or --insecure.
  - --delete takes only destinations (any tag name, even an invalid one) and no other flag.
A destination stream that does not exist is created under the first declarations folder:
<folder>/<name>.yaml in the default namespace, <folder>/<namespace>/<name>.yaml in another; an existing
file is never replaced. Run \`imagestreams reconcile\` afterwards to import and record the change in the
lock, or give --publish to record it now and publish declaration, lock and consumers together.

Options:
      --source KIND             docker, istag or isimage
      --alias                   track the source tag (same stream only)
      --scheduled               re-import periodically (DockerImage only)
      --insecure                allow HTTP or unverified TLS for this registry (DockerImage only)
      --reference               never import; pass the pull spec through as-is
      --reference-policy TYPE   source (consumers pull upstream) or local (the local registry)
      --import-mode MODE        Legacy (one platform) or PreserveOriginal (the index, every platform)
  -d, --delete                  delete the given tags
      --dry-run                 print what would change; write nothing
${PUBLISH_OPTION_HELP}
${PROJECT_OPTIONS_HELP}

Examples:
  imagestreams tag quay.io/sclorg/python-312-c9s:latest python:3.12 --scheduled
  imagestreams tag python:3.12 python:latest --alias
  imagestreams tag python:3.12 app:base          # pin app:base to python:3.12's current image
  imagestreams tag --delete python:3.11

Exit codes: 0 done; 1 a source has no image yet, an --alias target or a tag to delete does not exist;
2 bad usage.
`;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function display(t: StreamTagName): string {
  return `${t.namespace ? `${t.namespace}/` : ''}${t.stream}:${t.tag}`;
}

/** The tag command (see HELP). */
export const tagCommand: Command = {
  name: 'tag',
  summary: 'Point stream tags at an image or another tag (edits the YAML as `oc tag` edits the object)',
  help: HELP,
  options: {
    ...PROJECT_OPTIONS,
    source: { type: 'string' },
    alias: { type: 'boolean' },
    scheduled: { type: 'boolean' },
    insecure: { type: 'boolean' },
    reference: { type: 'boolean' },
    'reference-policy': { type: 'string' },
    'import-mode': { type: 'string' },
    delete: { type: 'boolean', short: 'd' },
    'dry-run': { type: 'boolean' },
    ...PUBLISH_OPTION,
  },
  async run(args, io) {
    const v = args.values;
    const [source, ...dests] = args.positionals;
    let actions: TagAction[];
    const project = await loadFromArgs(args, io);
    try {
      actions = planTag(source, dests, {
        currentNamespace: project.config.namespace,
        ...(str(v.source) ? { source: str(v.source)! } : {}),
        alias: Boolean(v.alias),
        scheduled: Boolean(v.scheduled),
        insecure: Boolean(v.insecure),
        reference: Boolean(v.reference),
        ...(str(v['reference-policy']) ? { referencePolicy: str(v['reference-policy'])! } : {}),
        ...(str(v['import-mode']) ? { importMode: str(v['import-mode'])! } : {}),
        delete: Boolean(v.delete),
      });
    } catch (e) {
      if (e instanceof ImagestreamsError) {
        return usageError(io, 'tag', e.message);
      }
      throw e;
    }
    const mode = publishModeOf(args, io, 'tag');
    if (mode === 'invalid') return EXIT.USAGE;
    const deleting = actions.every((a) => a.action === 'delete');
    // Deleting is how a broken file is repaired (a tag with an invalid name), so it runs on invalid declarations.
    if (hasErrors(project.diagnostics) && !deleting) {
      printDiagnostics(project.diagnostics, io, io.stderr);
      io.stderr('imagestreams tag: fix the declarations above first; nothing was changed\n');
      return EXIT.USAGE;
    }
    const dryRun = Boolean(v['dry-run']);
    const code = await runTag(actions, project, io, {
      json: Boolean(v.json) && !mode,
      dryRun,
      record: Boolean(mode),
    });
    if (code !== EXIT.OK || !mode || dryRun) return code;
    // Record the edit in the locks (followers too) and publish declaration, locks and consumers together.
    const reloaded = await loadFromArgs(args, io);
    if (hasErrors(reloaded.diagnostics)) {
      printDiagnostics(reloaded.diagnostics, io, io.stderr);
      return EXIT.USAGE;
    }
    const ns = (t: StreamTagName) => t.namespace ?? project.config.namespace;
    const only = new Set(actions.map((a) => `${ns(a.dest)}/${a.dest.stream}`));
    return recordEdit(io, { project: reloaded, only, mode, json: Boolean(v.json) });
  },
};

async function runTag(
  actions: TagAction[],
  project: Awaited<ReturnType<typeof loadFromArgs>>,
  io: CommandIO,
  o: { json: boolean; dryRun: boolean; record?: boolean },
): Promise<number> {
  const ns = (t: StreamTagName) => t.namespace ?? project.config.namespace;
  const missing = missingAliasTargets(actions, (namespace, stream, tag) =>
    Boolean(
      findStream(project, namespace ?? project.config.namespace, stream)?.object.spec?.tags?.some(
        (t) => t.name === tag,
      ),
    ),
  );
  if (missing.length > 0) {
    io.stderr(
      `imagestreams tag: --alias to ${missing.join(', ')}, which is not declared: declare it first, or tag from an image\n`,
    );
    return EXIT.FAILURE;
  }
  const edits: TagEdit[] = [];
  const messages: string[] = [];
  const results: Record<string, unknown>[] = [];
  try {
    for (const a of actions) {
      const dest = a.dest;
      const existing = findStream(project, ns(dest), dest.stream)?.object.spec?.tags?.find(
        (t) => t.name === dest.tag,
      );
      if (a.action === 'delete') {
        edits.push({ namespace: ns(dest), stream: dest.stream, tag: dest.tag });
        messages.push(`Deleted tag ${display(dest)}.`);
        results.push({ action: 'delete', tag: `${ns(dest)}/${dest.stream}:${dest.tag}` });
        continue;
      }
      let spec = a.spec;
      let shown: string;
      if (a.copyFrom) {
        const src = a.copyFrom;
        const srcNs = ns(src);
        if (!findStream(project, srcNs, src.stream)) {
          throw new ImagestreamsError('NOT_FOUND', `source stream ${srcNs}/${src.stream} is not declared`);
        }
        const lock = await readLock(nodeFs, project.root, project.config, srcNs, src.stream);
        const current = lock?.status.tags.find((t) => t.tag === src.tag)?.items[0];
        if (!current) {
          throw new ImagestreamsError(
            'NO_IMAGE',
            `${display(src)} has no image yet: run \`imagestreams reconcile\` first, or use --alias to track it`,
          );
        }
        const from: Record<string, unknown> = {
          kind: 'ImageStreamImage',
          name: `${src.stream}@${current.image}`,
        };
        if (srcNs !== ns(dest)) from.namespace = srcNs;
        spec = { from, ...spec };
        shown = `${src.stream}@${current.image}`;
        messages.push(`Tag ${display(dest)} set to ${shown}.`);
      } else {
        const from = spec.from as { kind: string; name: string };
        shown = from.name;
        messages.push(
          from.kind === 'ImageStreamTag'
            ? `Tag ${display(dest)} set up to track ${dest.stream}:${from.name}.`
            : `Tag ${display(dest)} set to ${from.name}.`,
        );
      }
      // As oc tag: the destination's whole spec is replaced (scheduled, policies and notes not given are dropped).
      const { from, ...fields } = spec as { from: TagSpecChange['from'] } & Record<string, unknown>;
      const change: TagSpecChange = { from, fields, replace: true };
      edits.push({
        namespace: ns(dest),
        stream: dest.stream,
        tag: dest.tag,
        ops: existing ? tagSpecEdits(existing, change) : [],
        create: newTag(dest.tag, change),
      });
      results.push({ action: 'set', tag: `${ns(dest)}/${dest.stream}:${dest.tag}`, from: spec.from });
    }
    const files = await applyTagEdits(project, edits, { createStreams: true, dryRun: o.dryRun });
    if (o.json) io.stdout(`${JSON.stringify({ dryRun: o.dryRun, actions: results, files }, null, 2)}\n`);
    else {
      io.stdout(`${messages.join('\n')}\n`);
      io.stderr(
        o.dryRun
          ? `dry run: would change ${files.join(', ')}\n`
          : o.record
            ? `changed ${files.join(', ')}\n`
            : `changed ${files.join(', ')}; run \`imagestreams reconcile\` to import (or give --publish)\n`,
      );
    }
    return EXIT.OK;
  } catch (e) {
    if (e instanceof ImagestreamsError) {
      io.stderr(`imagestreams tag: ${e.message}\n`);
      return EXIT.FAILURE;
    }
    throw e;
  }
}
