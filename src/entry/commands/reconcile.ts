// `imagestreams reconcile`: import what is due, write the locks that changed, update consumers, report.

import { type JobResult, runJob } from '../../app/job.js';
import type { RunReconcileResult } from '../../app/reconcile.js';
import { formatDiagnostic, withHints } from '../../model/diagnostic.js';
import type { StreamChange } from '../../plan/changes.js';
import type { PublishMode, PublishResult } from '../../publish/publish.js';
import { parseDuration } from '../../util/duration.js';
import { omitUndefined } from '../../util/omit-undefined.js';
import { shortDigest } from '../../util/text.js';
import type { Command, ParsedArgs } from '../command.js';
import { type CommandIO, EXIT } from '../io.js';
import { progressReporter } from '../progress.js';
import { escapeData } from '../workflow-commands.js';
import { actionsAnnotation, PROJECT_OPTIONS, PROJECT_OPTIONS_HELP, plural } from './project.js';

const HELP = `Usage: imagestreams reconcile [options]

Import every tag that is due, write the lock files whose content changed, and rewrite the consumers
(workloads with image triggers, Dockerfiles and other files with "# imagestream:" markers) that follow
a tag that moved. A tag is due when it is new, its spec changed (from, import policy, generation),
it is scheduled (importPolicy.scheduled), or it is forced (imagestreams import). A tag that is none
of these keeps its digest even when upstream moved. Followers (ImageStreamTag) and pins
(ImageStreamImage) settle in the same run, however long the chain.

Options:
      --dry-run       Resolve and print the plan; write nothing
  -s, --stream NAME   Only this stream ([namespace/]name); repeatable. A NAME that is not
                      declared is refused (exit 2) with the closest declared names
      --metadata      Read creation time and labels of new images (for PR bodies)
      --publish MODE  pull-request (one branch + PR per stream or group), commit (on the current
                      branch) or none; default: the config's publish.mode (pull-request). Needs
                      GITHUB_TOKEN (and GITHUB_REPOSITORY for PRs); without them the working tree
                      is updated and publishing is reported as skipped.
      --deadline DURATION
                      Whole-run deadline ("20m", "1h"; config: deadline): past it no registry
                      request starts; what resolved is written and published, the rest is
                      reported as skipped, and the exit code is 1
${PROJECT_OPTIONS_HELP}

An invalid stream (or one importing from a registry not in allowedRegistries) is skipped and reported at
its file:line; the other streams are reconciled and the run exits 1. (Pull-request checks stay strict: see
\`validate\` and the Action's plan.)

Exit codes:
  0  every due tag resolved (the lock may or may not have changed)
  1  an import failed or was skipped (rate limit, deadline; the last good digest is kept and the other tags
     are still written), a pin's image is not in the history, a marker or trigger is broken, or an invalid
     stream was skipped
  2  bad usage (e.g. --stream naming no declared stream), an invalid config or an unreadable lock:
     nothing was written

Examples:
  imagestreams reconcile --dry-run
  imagestreams reconcile --stream python --json
`;

/** Digests in the text output: 12 hex digits, `-` when absent. */
const BARE = { algorithm: false, absent: '-' } as const;

/** Text lines for the changes of a run: one per tag. */
export function renderChanges(changes: StreamChange[]): string[] {
  const lines: string[] = [];
  for (const sc of changes) {
    for (const t of sc.tags) {
      const name = `${sc.namespace}/${sc.stream}:${t.tag}`;
      if (t.kind === 'failed')
        lines.push(`  ✗ ${name}  import failed: ${t.error?.reason}: ${t.error?.message}`);
      else if (t.kind === 'new') lines.push(`  + ${name}  ${t.to?.dockerImageReference}`);
      else {
        const verb = t.kind === 'rollback' ? 'rolled back' : 'moved';
        lines.push(
          `  ~ ${name}  ${verb} ${shortDigest(t.from?.image, BARE)} → ${shortDigest(t.to?.image, BARE)}  ${t.to?.dockerImageReference}`,
        );
      }
    }
  }
  return lines;
}

/** The JSON form of a run (also the Action's `result` output). */
export function reconcileJson(r: RunReconcileResult) {
  return {
    status: r.status,
    ...(r.usage ? { usage: r.usage } : {}),
    dryRun: r.result?.dryRun ?? false,
    imports: (r.result?.imports ?? []).map((i) => ({
      key: i.key,
      from: i.from,
      reason: i.reason,
      ok: i.result.ok,
      ...(i.result.ok
        ? { image: i.result.item.image, dockerImageReference: i.result.item.dockerImageReference }
        : {
            error: { reason: i.result.reason, message: i.result.message },
            skipped: Boolean(i.result.skipped),
          }),
    })),
    changes: r.result?.changes ?? [],
    consumers: r.consumers?.changes ?? [],
    unresolvedConsumers: r.consumers?.unresolved ?? [],
    written: r.written,
    skipped: r.report?.skipped ?? [],
    ...(r.skippedStreams ? { skippedStreams: r.skippedStreams.streams } : {}),
    failedPins: r.result?.failedPins ?? [],
    rateLimited: r.report?.rateLimited ?? [],
    ...(r.report?.deadline ? { deadline: r.report.deadline } : {}),
    requests: r.requests ?? 0,
    diagnostics: withHints(r.diagnostics),
  };
}

function streamsOf(args: ParsedArgs): Set<string> | undefined {
  const v = args.values.stream;
  const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return list.length ? new Set(list.map(String)) : undefined;
}

/** One line per publish group (or the reason publishing was skipped). */
export function renderPublish(p: PublishResult): string[] {
  if (p.skipped) return [`publish (${p.mode}): skipped: ${p.skipped.reason}`];
  return p.groups
    .filter((g) => g.status !== 'nothing')
    .map((g) => {
      const pr = g.pullRequest ? ` ${g.pullRequest.url}` : '';
      const why = g.reason ? ` (${g.reason})` : g.error ? ` (${g.error.message})` : '';
      return `publish: ${g.key}: ${g.status}${g.branch ? ` ${g.branch}` : ''}${pr}${why}`;
    });
}

/** How printRun marks streams in GitHub Actions: one `::group::` each. */
export interface PrintGroups {
  groups?: boolean;
  /** Writes one workflow command line (with its newline); default `io.command`, else stdout. */
  command?: (line: string) => void;
}

/**
 * Lines written in batches of about 64 KB, each batch ending in a newline: the same bytes as one write of them
 * all, without holding the whole report (20,000 lines at 10,000 tags: its lines, their join and the encoded
 * bytes made the run's peak memory, issue #17).
 */
function lineBatches(write: (text: string) => void) {
  let batch: string[] = [];
  let size = 0;
  const flush = () => {
    if (batch.length > 0) write(`${batch.join('\n')}\n`);
    batch = [];
    size = 0;
  };
  return {
    push(line: string) {
      batch.push(line);
      size += line.length;
      if (size >= 65536) flush();
    },
    flush,
  };
}

/** Failed pins not already shown as a change (the index only when there are any: 10,000 keys otherwise). */
function printFailedPins(res: NonNullable<RunReconcileResult['result']>, io: CommandIO): void {
  if (res.failedPins.length === 0) return;
  const shown = new Set(res.changes.flatMap((c) => c.tags.map((t) => `${t.namespace}/${t.stream}:${t.tag}`)));
  for (const p of res.failedPins) {
    if (!shown.has(p.key)) io.stdout(`  ✗ ${p.key}  ${p.reason}: ${p.message}\n`);
  }
}

/** Print a finished run as text; returns the exit code. */
export function printRun(
  r: RunReconcileResult,
  io: CommandIO,
  json: boolean,
  published?: PublishResult,
  opts: PrintGroups = {},
): number {
  if (r.status === 'invalid') {
    if (json) io.stdout(`${JSON.stringify(reconcileJson(r), null, 2)}\n`);
    else if (r.usage) io.stderr(`reconcile: ${r.usage}; nothing was imported\n`);
    else {
      for (const d of r.diagnostics) {
        io.stderr(`${formatDiagnostic(d)}\n`);
        if (io.env.GITHUB_ACTIONS === 'true') io.stdout(actionsAnnotation(d));
      }
      io.stderr('reconcile: nothing was written; fix the errors above\n');
    }
    return EXIT.USAGE;
  }
  const res = r.result!;
  if (json) {
    io.stdout(
      `${JSON.stringify({ ...reconcileJson(r), ...(published ? { publish: published } : {}) }, null, 2)}\n`,
    );
  } else {
    const lines = lineBatches(io.stdout);
    if (opts.groups ?? io.env.GITHUB_ACTIONS === 'true') {
      // In GitHub Actions each changed stream is a collapsible group of the log.
      const command = opts.command ?? io.command ?? io.stdout;
      for (const sc of res.changes) {
        const own = renderChanges([sc]);
        if (own.length === 0) continue;
        // Escaped as a workflow command message (names are validated; this keeps any line break out).
        const title = escapeData(`${sc.namespace}/${sc.stream} (${plural(sc.tags.length, 'tag')})`);
        command(`::group::${title}\n`);
        io.stdout(`${own.join('\n')}\n`);
        command('::endgroup::\n');
      }
    } else for (const sc of res.changes) for (const line of renderChanges([sc])) lines.push(line);
    for (const c of r.consumers?.changes ?? []) lines.push(`  ↳ ${c.file}:${c.line}  ${c.target}  → ${c.to}`);
    for (const u of r.consumers?.unresolved ?? []) {
      lines.push(`  ? ${u.file}:${u.line}  follows ${u.follows}, which has no image yet`);
    }
    lines.flush();
    for (const d of r.skippedStreams?.diagnostics ?? []) {
      io.stderr(`${formatDiagnostic(d)}\n`);
      if (io.env.GITHUB_ACTIONS === 'true') io.stdout(actionsAnnotation(d));
    }
    if (r.skippedStreams) {
      const names = r.skippedStreams.streams;
      io.stderr(
        `reconcile: skipped ${names.length ? `${plural(names.length, 'invalid stream')} (${names.join(', ')})` : 'the invalid declaration files'}: fix the errors above; the other streams were reconciled\n`,
      );
    }
    for (const d of r.consumers?.diagnostics ?? []) {
      io.stderr(`${formatDiagnostic(d)}\n`);
      if (io.env.GITHUB_ACTIONS === 'true') io.stdout(actionsAnnotation(d));
    }
    for (const s of r.report?.skipped ?? []) io.stderr(`skipped (registry rate-limited this run): ${s}\n`);
    const dl = r.report?.deadline;
    for (const s of dl?.skipped ?? [])
      io.stderr(`skipped (run deadline of ${dl!.seconds} s reached): ${s}\n`);
    const verb = res.dryRun ? 'would write' : 'wrote';
    printFailedPins(res, io);
    const failed = res.failed + res.failedPins.length;
    io.stderr(
      `reconcile: ${plural(res.imports.length, 'tag')} due, ${res.imports.length - res.failed - res.skipped} resolved, ` +
        `${failed} failed${res.skipped ? `, ${res.skipped} skipped` : ''}; ${verb} ${plural(r.written.length, 'file')}` +
        `${res.dryRun ? ' (dry run)' : ''}\n`,
    );
    for (const line of published ? renderPublish(published) : []) io.stderr(`${line}\n`);
  }
  const publishFailed = published?.groups.some((g) => g.status === 'failed') ?? false;
  return r.status === 'ok' && (r.result?.skipped ?? 0) === 0 && !publishFailed ? EXIT.OK : EXIT.FAILURE;
}

/** The reconcile command (see HELP). */
export const reconcileCommand: Command = {
  name: 'reconcile',
  summary: 'Import due tags, write changed locks, update consumers that follow them',
  help: HELP,
  options: {
    ...PROJECT_OPTIONS,
    'dry-run': { type: 'boolean' },
    stream: { type: 'string', short: 's', multiple: true },
    metadata: { type: 'boolean' },
    publish: { type: 'string' },
    deadline: { type: 'string' },
  },
  async run(args, io) {
    if (args.positionals.length > 0) {
      io.stderr(`imagestreams reconcile: unexpected argument "${args.positionals[0]}"\n`);
      return EXIT.USAGE;
    }
    const json = Boolean(args.values.json);
    const only = streamsOf(args);
    const mode = args.values.publish;
    if (mode !== undefined && mode !== 'pull-request' && mode !== 'commit' && mode !== 'none') {
      io.stderr(
        `imagestreams reconcile: --publish must be pull-request, commit or none, not "${String(mode)}"\n`,
      );
      return EXIT.USAGE;
    }
    const deadlineText = args.values.deadline;
    const deadlineMs = typeof deadlineText === 'string' ? parseDuration(deadlineText) : undefined;
    if (deadlineText !== undefined && !deadlineMs) {
      io.stderr(
        `imagestreams reconcile: --deadline must be a duration such as 20m or 1h, not "${String(deadlineText)}"\n`,
      );
      return EXIT.USAGE;
    }
    const job: JobResult = await runJob(io, {
      project: typeof args.values.config === 'string' ? { configPath: args.values.config } : {},
      streams: omitUndefined({ only }),
      registry: { withMetadata: Boolean(args.values.metadata), ...omitUndefined({ deadlineMs }) },
      publish: mode ? { mode: mode as PublishMode } : {},
      dryRun: Boolean(args.values['dry-run']),
      ...(json ? {} : { onProgress: progressReporter(io) }),
    });
    return printRun(job.run, io, json, job.publish);
  },
};
