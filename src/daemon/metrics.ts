// The daemon's counters and gauges, rendered in the Prometheus text exposition format 0.0.4 (pure).

/** What one run contributes to the metrics (built by the daemon from the job result). */
export interface RunSummary {
  trigger: string;
  durationSeconds: number;
  /** Epoch seconds at the end of the run. */
  finishedAt: number;
  imports: { success: number; failure: number; skipped: number };
  /** `ns/name` of streams whose every import in this run succeeded. */
  succeededStreams: string[];
  pullRequestsOpened: number;
  /** Last `ratelimit-remaining` a registry reported in this run. */
  rateLimits: { registry: string; remaining: number }[];
  /** The run itself failed (clone, load or publish error), not just an import. */
  error: boolean;
}

/** Content type of the exposition format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Histogram buckets of run durations, in seconds. */
export const RUN_DURATION_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labels = (l: Record<string, string>) => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};
const num = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : '-Inf');

/** The daemon's metric set: recorded by the run loop and the webhook handler, rendered for `/metrics`. */
export interface Metrics {
  /** Adds one finished run. */
  recordRun(r: RunSummary): void;
  /** Failed runs in a row and the wait before the next attempt (0, 0 after a run succeeds). */
  setRetry(failures: number, seconds: number): void;
  /** Distinct pushed images waiting for the next run. */
  setQueued(n: number): void;
  /** Counts pushed images dropped because the queue was full. */
  recordQueueDrop(n: number): void;
  /** Counts one webhook request by sender and outcome (accepted, ignored, rejected, invalid). */
  recordWebhook(source: string, result: string): void;
  /** The exposition text. */
  render(): string;
}

/** The counters and gauges behind a metric set. */
interface MetricState {
  imports: Map<string, number>;
  failures: number;
  prsOpened: number;
  runs: Map<string, number>;
  runErrors: Map<string, number>;
  lastSuccess: Map<string, number>;
  rateLimit: Map<string, number>;
  webhooks: Map<string, number>;
  buckets: number[];
  durationSum: number;
  durationCount: number;
  consecutiveFailures: number;
  backoffSeconds: number;
  queued: number;
  queueDropped: number;
}

const inc = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);

/** Creates the daemon's metric set. */
export function createMetrics(): Metrics {
  const s: MetricState = {
    imports: new Map<string, number>([
      ['success', 0],
      ['failure', 0],
      ['skipped', 0],
    ]),
    failures: 0,
    prsOpened: 0,
    runs: new Map(),
    runErrors: new Map(),
    lastSuccess: new Map(),
    rateLimit: new Map(),
    webhooks: new Map(),
    buckets: RUN_DURATION_BUCKETS.map(() => 0),
    durationSum: 0,
    durationCount: 0,
    consecutiveFailures: 0,
    backoffSeconds: 0,
    queued: 0,
    queueDropped: 0,
  };
  return {
    recordRun: (r) => recordRun(s, r),
    setRetry(failures, seconds) {
      s.consecutiveFailures = failures;
      s.backoffSeconds = seconds;
    },
    setQueued(n) {
      s.queued = n;
    },
    recordQueueDrop(n) {
      s.queueDropped += n;
    },
    recordWebhook(source, result) {
      inc(s.webhooks, `${source}\u0000${result}`);
    },
    render: () => render(s),
  };
}

function recordRun(s: MetricState, r: RunSummary): void {
  inc(s.runs, r.trigger);
  if (r.error) inc(s.runErrors, r.trigger);
  inc(s.imports, 'success', r.imports.success);
  inc(s.imports, 'failure', r.imports.failure);
  inc(s.imports, 'skipped', r.imports.skipped);
  s.failures += r.imports.failure;
  s.prsOpened += r.pullRequestsOpened;
  for (const x of r.succeededStreams) s.lastSuccess.set(x, r.finishedAt);
  for (const l of r.rateLimits) s.rateLimit.set(l.registry, l.remaining);
  s.durationSum += r.durationSeconds;
  s.durationCount++;
  RUN_DURATION_BUCKETS.forEach((b, i) => {
    if (r.durationSeconds <= b) s.buckets[i]!++;
  });
}

function render(s: MetricState): string {
  const out: string[] = [];
  for (const [name, type, help, samples] of families(s)) {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [l, v] of samples) out.push(`${name}${labels(l)} ${num(v)}`);
  }
  out.push(
    '# HELP imagestreams_run_duration_seconds Duration of reconcile runs (sync, import, publish).',
    '# TYPE imagestreams_run_duration_seconds histogram',
  );
  RUN_DURATION_BUCKETS.forEach((b, i) => {
    out.push(`imagestreams_run_duration_seconds_bucket{le="${b}"} ${s.buckets[i]}`);
  });
  out.push(
    `imagestreams_run_duration_seconds_bucket{le="+Inf"} ${s.durationCount}`,
    `imagestreams_run_duration_seconds_sum ${s.durationSum}`,
    `imagestreams_run_duration_seconds_count ${s.durationCount}`,
  );
  return `${out.join('\n')}\n`;
}

/** Samples of one metric family: labels and value. */
type Samples = [Record<string, string>, number][];

/** One sample per label value, sorted; or one unlabelled sample. */
const by = (label: string, m: Map<string, number>): Samples =>
  [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [{ [label]: k }, v]);
const one = (v: number): Samples => [[{}, v]];

/** Every family but the run-duration histogram: name, type, help and samples. */
function families(s: MetricState): [name: string, type: string, help: string, samples: Samples][] {
  const webhookSamples = by('source', s.webhooks).map(([l, v]): Samples[number] => {
    const [source, result] = l.source!.split('\u0000') as [string, string];
    return [{ source, result }, v];
  });
  return [
    [
      'imagestreams_imports_total',
      'counter',
      'Tag imports by result (success, failure, skipped because the registry rate-limited the run).',
      by('result', s.imports),
    ],
    ['imagestreams_import_failures_total', 'counter', 'Tag imports that failed.', one(s.failures)],
    [
      'imagestreams_last_success_timestamp_seconds',
      'gauge',
      'When every import of the stream last succeeded (Unix time).',
      by('stream', s.lastSuccess),
    ],
    [
      'imagestreams_registry_ratelimit_remaining',
      'gauge',
      'Requests left in the rate-limit window, as the registry last reported (ratelimit-remaining).',
      by('registry', s.rateLimit),
    ],
    ['imagestreams_pull_requests_opened_total', 'counter', 'Pull requests opened.', one(s.prsOpened)],
    [
      'imagestreams_runs_total',
      'counter',
      'Reconcile runs by trigger (startup, schedule, webhook).',
      by('trigger', s.runs),
    ],
    [
      'imagestreams_run_errors_total',
      'counter',
      'Runs that failed as a whole (clone, load or publish error) by trigger.',
      by('trigger', s.runErrors),
    ],
    ['imagestreams_webhooks_total', 'counter', 'Webhook requests by sender and result.', webhookSamples],
    [
      'imagestreams_consecutive_run_failures',
      'gauge',
      'Runs in a row that failed as a whole (0 after a run succeeds).',
      one(s.consecutiveFailures),
    ],
    [
      'imagestreams_retry_backoff_seconds',
      'gauge',
      'Wait before the failed run is retried (exponential with jitter, capped; 0 when not backing off).',
      one(s.backoffSeconds),
    ],
    [
      'imagestreams_webhook_queue_pushes',
      'gauge',
      'Distinct pushed images waiting for the next run.',
      one(s.queued),
    ],
    [
      'imagestreams_webhook_queue_dropped_total',
      'counter',
      'Pushed images dropped because the queue was full (oldest first).',
      one(s.queueDropped),
    ],
  ];
}
