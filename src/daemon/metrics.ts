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

/** Creates the daemon's metric set. */
export function createMetrics() {
  const imports = new Map<string, number>([
    ['success', 0],
    ['failure', 0],
    ['skipped', 0],
  ]);
  let failures = 0;
  let prsOpened = 0;
  const runs = new Map<string, number>();
  const runErrors = new Map<string, number>();
  const lastSuccess = new Map<string, number>();
  const rateLimit = new Map<string, number>();
  const webhooks = new Map<string, number>();
  const buckets = RUN_DURATION_BUCKETS.map(() => 0);
  let durationSum = 0;
  let durationCount = 0;
  let consecutiveFailures = 0;
  let backoffSeconds = 0;
  let queued = 0;
  let queueDropped = 0;

  const inc = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);

  /** Every family but the run-duration histogram: name, type, help and samples. */
  function families(): [name: string, type: string, help: string, samples: Samples][] {
    // One sample per label value, sorted; or one unlabelled sample.
    const by = (label: string, m: Map<string, number>): Samples =>
      [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [{ [label]: k }, v]);
    const one = (v: number): Samples => [[{}, v]];
    const webhookSamples = by('source', webhooks).map(([l, v]): Samples[number] => {
      const [source, result] = l.source!.split('\u0000') as [string, string];
      return [{ source, result }, v];
    });
    return [
      [
        'imagestreams_imports_total',
        'counter',
        'Tag imports by result (success, failure, skipped because the registry rate-limited the run).',
        by('result', imports),
      ],
      ['imagestreams_import_failures_total', 'counter', 'Tag imports that failed.', one(failures)],
      [
        'imagestreams_last_success_timestamp_seconds',
        'gauge',
        'When every import of the stream last succeeded (Unix time).',
        by('stream', lastSuccess),
      ],
      [
        'imagestreams_registry_ratelimit_remaining',
        'gauge',
        'Requests left in the rate-limit window, as the registry last reported (ratelimit-remaining).',
        by('registry', rateLimit),
      ],
      ['imagestreams_pull_requests_opened_total', 'counter', 'Pull requests opened.', one(prsOpened)],
      [
        'imagestreams_runs_total',
        'counter',
        'Reconcile runs by trigger (startup, schedule, webhook).',
        by('trigger', runs),
      ],
      [
        'imagestreams_run_errors_total',
        'counter',
        'Runs that failed as a whole (clone, load or publish error) by trigger.',
        by('trigger', runErrors),
      ],
      ['imagestreams_webhooks_total', 'counter', 'Webhook requests by sender and result.', webhookSamples],
      [
        'imagestreams_consecutive_run_failures',
        'gauge',
        'Runs in a row that failed as a whole (0 after a run succeeds).',
        one(consecutiveFailures),
      ],
      [
        'imagestreams_retry_backoff_seconds',
        'gauge',
        'Wait before the failed run is retried (exponential with jitter, capped; 0 when not backing off).',
        one(backoffSeconds),
      ],
      [
        'imagestreams_webhook_queue_pushes',
        'gauge',
        'Distinct pushed images waiting for the next run.',
        one(queued),
      ],
      [
        'imagestreams_webhook_queue_dropped_total',
        'counter',
        'Pushed images dropped because the queue was full (oldest first).',
        one(queueDropped),
      ],
    ];
  }

  return {
    /** Adds one finished run. */
    recordRun(r: RunSummary): void {
      inc(runs, r.trigger);
      if (r.error) inc(runErrors, r.trigger);
      inc(imports, 'success', r.imports.success);
      inc(imports, 'failure', r.imports.failure);
      inc(imports, 'skipped', r.imports.skipped);
      failures += r.imports.failure;
      prsOpened += r.pullRequestsOpened;
      for (const s of r.succeededStreams) lastSuccess.set(s, r.finishedAt);
      for (const l of r.rateLimits) rateLimit.set(l.registry, l.remaining);
      durationSum += r.durationSeconds;
      durationCount++;
      RUN_DURATION_BUCKETS.forEach((b, i) => {
        if (r.durationSeconds <= b) buckets[i]!++;
      });
    },
    /** Failed runs in a row and the wait before the next attempt (0, 0 after a run succeeds). */
    setRetry(failures: number, seconds: number): void {
      consecutiveFailures = failures;
      backoffSeconds = seconds;
    },
    /** Distinct pushed images waiting for the next run. */
    setQueued(n: number): void {
      queued = n;
    },
    /** Counts pushed images dropped because the queue was full. */
    recordQueueDrop(n: number): void {
      queueDropped += n;
    },
    /** Counts one webhook request by sender and outcome (accepted, ignored, rejected, invalid). */
    recordWebhook(source: string, result: string): void {
      inc(webhooks, `${source}\u0000${result}`);
    },
    /** The exposition text. */
    render(): string {
      const out: string[] = [];
      const family = (name: string, type: string, help: string, samples: Samples) => {
        out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
        for (const [l, v] of samples) out.push(`${name}${labels(l)} ${num(v)}`);
      };
      for (const [name, type, help, samples] of families()) family(name, type, help, samples);
      out.push(
        '# HELP imagestreams_run_duration_seconds Duration of reconcile runs (sync, import, publish).',
        '# TYPE imagestreams_run_duration_seconds histogram',
      );
      RUN_DURATION_BUCKETS.forEach((b, i) => {
        out.push(`imagestreams_run_duration_seconds_bucket{le="${b}"} ${buckets[i]}`);
      });
      out.push(
        `imagestreams_run_duration_seconds_bucket{le="+Inf"} ${durationCount}`,
        `imagestreams_run_duration_seconds_sum ${durationSum}`,
        `imagestreams_run_duration_seconds_count ${durationCount}`,
      );
      return `${out.join('\n')}\n`;
    },
  };
}

/** Samples of one metric family: labels and value. */
type Samples = [Record<string, string>, number][];

/** The metric set's interface. */
export type Metrics = ReturnType<typeof createMetrics>;
