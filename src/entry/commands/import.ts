// `imagestreams import STREAM[:TAG]`: import now, whether or not the tag is due (like `oc import-image`).

import { applyTagEdits, findStream } from '../../app/stream-edits.js';
import type { EditOp } from '../../edit/yaml-edit.js';
import { loadProject } from '../../loader/load.js';
import { hasErrors } from '../../model/diagnostic.js';
import { ImagestreamsError } from '../../model/errors.js';
import { tryParseReference } from '../../model/reference.js';
import type { TagReference } from '../../model/stream.js';
import { parseStreamTag } from '../../model/stream-tag.js';
import { newTag, type TagSpecChange, tagSpecEdits } from '../../policy/tag-edit.js';
import { tagKey } from '../../policy/tag-spec.js';
import { type Command, usageError } from '../command.js';
import { EXIT } from '../io.js';
import { loadFromArgs, PROJECT_OPTIONS, PROJECT_OPTIONS_HELP, printDiagnostics } from './project.js';
import { PUBLISH_OPTION, PUBLISH_OPTION_HELP, publishModeOf, recordEdit } from './record.js';

const HELP = `Usage: imagestreams import STREAM[:TAG] [--all] [--from REF --confirm] [policy options] [options]

Import a stream's tags now, even when they are not due (not new, not changed, not scheduled), and
record the result in the lock; consumers that follow them are rewritten in the same run.
Without TAG the "latest" tag is imported; --all imports every DockerImage tag of the stream.
With --from, the tag is first pointed at REF (the declaration is edited in place); creating a stream or
tag that does not exist yet needs --confirm, as with \`oc import-image\`. The policy options, as in
\`oc import-image\`, set the tag's policies in the declaration (with or without --from) before importing.

Options:
      --all           import every DockerImage tag of the stream
      --from REF      import from this pull spec (sets the tag's from)
      --confirm       allow --from to create the stream or the tag
      --dry-run       resolve and print; write nothing
${PUBLISH_OPTION_HELP}

Policy options (written to the tag's declaration):
      --scheduled                 importPolicy.scheduled: re-import on every reconcile
      --insecure                  importPolicy.insecure: plain HTTP or unverified TLS for this tag's registry
      --reference-policy TYPE     referencePolicy.type: source or local
      --import-mode MODE          importPolicy.importMode: Legacy or PreserveOriginal
${PROJECT_OPTIONS_HELP}

Exit codes: 0 imported; 1 an import failed (the last good digest is kept); 2 bad usage or unknown stream/tag.
`;

/** The policies the options ask for (as `oc import-image` sets them), or what is wrong with them. */
export function policyFromOptions(
  v: Record<string, unknown>,
): { importPolicy: Record<string, unknown>; referencePolicy?: { type: string } } | { error: string } {
  const importPolicy: Record<string, unknown> = {};
  if (v.scheduled) importPolicy.scheduled = true;
  if (v.insecure) importPolicy.insecure = true;
  const mode = v['import-mode'];
  if (mode !== undefined) {
    if (mode !== 'Legacy' && mode !== 'PreserveOriginal') {
      return { error: `--import-mode must be Legacy or PreserveOriginal, not ${JSON.stringify(mode)}` };
    }
    importPolicy.importMode = mode;
  }
  const ref = v['reference-policy'];
  if (ref === undefined) return { importPolicy };
  const type = { local: 'Local', source: 'Source' }[String(ref).toLowerCase()];
  if (!type) return { error: `--reference-policy must be source or local, not ${JSON.stringify(ref)}` };
  return { importPolicy, referencePolicy: { type } };
}

/** Edits that write those policies into a tag, key by key where the tag already has the map. */
export function policyOps(
  p: { importPolicy: Record<string, unknown>; referencePolicy?: { type: string } },
  tag: TagReference | undefined,
): EditOp[] {
  const ops: EditOp[] = [];
  if (Object.keys(p.importPolicy).length > 0) {
    if (tag?.importPolicy) {
      for (const [k, value] of Object.entries(p.importPolicy)) {
        ops.push({ op: 'set', path: ['importPolicy', k], value });
      }
    } else ops.push({ op: 'set', path: ['importPolicy'], value: p.importPolicy });
  }
  if (p.referencePolicy) {
    ops.push(
      tag?.referencePolicy
        ? { op: 'set', path: ['referencePolicy', 'type'], value: p.referencePolicy.type }
        : { op: 'set', path: ['referencePolicy'], value: p.referencePolicy },
    );
  }
  return ops;
}

/** The import command (see HELP). */
export const importCommand: Command = {
  name: 'import',
  summary: 'Import a stream tag now, whether or not it is due (oc import-image)',
  help: HELP,
  options: {
    ...PROJECT_OPTIONS,
    all: { type: 'boolean' },
    from: { type: 'string' },
    confirm: { type: 'boolean' },
    scheduled: { type: 'boolean' },
    insecure: { type: 'boolean' },
    'reference-policy': { type: 'string' },
    'import-mode': { type: 'string' },
    'dry-run': { type: 'boolean' },
    ...PUBLISH_OPTION,
  },
  async run(args, io) {
    if (args.positionals.length !== 1) {
      io.stderr('imagestreams import: give exactly one STREAM[:TAG]\nRun `imagestreams import --help`.\n');
      return EXIT.USAGE;
    }
    const parsed = parseStreamTag(args.positionals[0]!, { tag: 'optional' });
    if ('error' in parsed) {
      const problem = parsed.error.message;
      io.stderr(
        `imagestreams import: "${args.positionals[0]}" is not [namespace/]stream[:tag]: ${problem}\n`,
      );
      return EXIT.USAGE;
    }
    const target = parsed.ref;
    const all = Boolean(args.values.all);
    const from = typeof args.values.from === 'string' ? args.values.from : undefined;
    if (all && (target.tag || from)) {
      io.stderr('imagestreams import: --all imports every tag; it takes neither a TAG nor --from\n');
      return EXIT.USAGE;
    }
    const policy = policyFromOptions(args.values);
    if ('error' in policy) {
      return usageError(io, 'import', policy.error);
    }
    const withPolicy = Object.keys(policy.importPolicy).length > 0 || policy.referencePolicy !== undefined;
    if (all && withPolicy) {
      io.stderr('imagestreams import: policy options change one tag; give STREAM:TAG instead of --all\n');
      return EXIT.USAGE;
    }
    if (from) {
      const p = tryParseReference(from);
      if ('error' in p) {
        io.stderr(`imagestreams import: ${p.error.message}\n`);
        return EXIT.USAGE;
      }
    }
    const json = Boolean(args.values.json);
    const dryRun = Boolean(args.values['dry-run']);
    const mode = publishModeOf(args, io, 'import');
    if (mode === 'invalid') return EXIT.USAGE;
    const configPath = typeof args.values.config === 'string' ? args.values.config : undefined;
    try {
      let project = await loadFromArgs(args, io);
      if (hasErrors(project.diagnostics)) {
        printDiagnostics(project.diagnostics, io, io.stderr);
        return EXIT.USAGE;
      }
      const ns = target.namespace ?? project.config.namespace;
      const name = target.stream;
      const tag = target.tag || 'latest';
      let stream = findStream(project, ns, name);
      if (from) {
        const exists = stream?.object.spec?.tags?.some((t) => t.name === tag);
        if ((!stream || !exists) && !args.values.confirm) {
          io.stderr(
            `imagestreams import: ${stream ? `tag ${name}:${tag}` : `stream ${ns}/${name}`} does not exist; add --confirm to create it\n`,
          );
          return EXIT.USAGE;
        }
        // The same tag edit as `tag` and `rollback` (a stale from.namespace and rolled-back-from note go), with the
        // policies the options ask for merged key by key.
        const fields: Record<string, unknown> = {
          ...(Object.keys(policy.importPolicy).length > 0 ? { importPolicy: policy.importPolicy } : {}),
          ...(policy.referencePolicy ? { referencePolicy: policy.referencePolicy } : {}),
        };
        const change: TagSpecChange = {
          from: { kind: 'DockerImage', name: from },
          ...(Object.keys(fields).length > 0 ? { fields } : {}),
        };
        const existing = stream?.object.spec?.tags?.find((t) => t.name === tag);
        await applyTagEdits(
          project,
          [
            {
              namespace: ns,
              stream: name,
              tag,
              ops: existing ? tagSpecEdits(existing, change) : [],
              create: newTag(tag, change),
            },
          ],
          { createStreams: true, dryRun },
        );
        if (!dryRun) {
          project = await loadProject({ cwd: io.cwd, ...(configPath !== undefined ? { configPath } : {}) });
          if (hasErrors(project.diagnostics)) {
            printDiagnostics(project.diagnostics, io, io.stderr);
            return EXIT.USAGE;
          }
          stream = findStream(project, ns, name);
        }
      }
      if (!stream) {
        io.stderr(
          `imagestreams import: stream ${ns}/${name} is not declared (use --from REF --confirm to create it)\n`,
        );
        return EXIT.USAGE;
      }
      const tags = stream.object.spec?.tags ?? [];
      const chosen = all
        ? tags.filter((t) => t.from?.kind === 'DockerImage' && !t.reference)
        : tags.filter((t) => t.name === tag);
      if (!from && chosen.length === 0) {
        io.stderr(
          all
            ? `imagestreams import: ${name} has no DockerImage tags to import\n`
            : `imagestreams import: tag ${name}:${tag} does not exist (tags: ${tags.map((t) => t.name).join(', ') || 'none'})\n`,
        );
        return EXIT.USAGE;
      }
      for (const t of chosen) {
        if (t.from?.kind !== 'DockerImage' || t.reference) {
          io.stderr(
            `imagestreams import: ${name}:${t.name} is ${t.reference ? 'a reference tag' : `a ${t.from?.kind} tag`}; only DockerImage tags are imported (it follows its source on every reconcile)\n`,
          );
          return EXIT.USAGE;
        }
      }
      if (!from && withPolicy) {
        const ops = policyOps(policy, chosen[0]);
        await applyTagEdits(project, [{ namespace: ns, stream: name, tag, ops }], {
          createStreams: false,
          dryRun,
        });
        if (!dryRun) {
          project = await loadProject({ cwd: io.cwd, ...(configPath !== undefined ? { configPath } : {}) });
          if (hasErrors(project.diagnostics)) {
            printDiagnostics(project.diagnostics, io, io.stderr);
            return EXIT.USAGE;
          }
        }
      }
      const forced = new Set(chosen.map((t) => tagKey(ns, name, t.name)));
      if (from && forced.size === 0) forced.add(tagKey(ns, name, tag));
      return recordEdit(io, {
        project,
        only: new Set([`${ns}/${name}`]),
        forced,
        ...(mode ? { mode } : {}),
        json,
        dryRun,
      });
    } catch (e) {
      if (e instanceof ImagestreamsError) {
        io.stderr(`imagestreams import: ${e.message}\n`);
        return EXIT.FAILURE;
      }
      throw e;
    }
  },
};
