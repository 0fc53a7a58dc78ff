// `imagestreams daemon`: the long-running reconciler (per-tag schedule, registry webhooks, health, metrics).
// Only this file reads argv and env for it; src/daemon/ does the work.

import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { DaemonSettings } from '../../daemon/main.js';
import { checkRemoteUrl } from '../../git/remote.js';
import type { PublishMode } from '../../publish/publish.js';
import { parseDuration } from '../../util/duration.js';
import { createLogger, type LogLevel } from '../../util/logger.js';
import { omitUndefined } from '../../util/omit-undefined.js';
import { redact } from '../../util/redact.js';
import { type Command, type ParsedArgs, usageError } from '../command.js';
import { type CommandIO, EXIT } from '../io.js';

const HELP = `Usage: imagestreams daemon [options]

Run the reconciler as a service: scheduled tags are imported every interval, each at its own stable
offset (a hash of its key), at most N imports a minute; registry push notifications force-import exactly
the stream tags that import the pushed repository:tag, within seconds. Runs are serialised; triggers that
arrive during a run coalesce into the next. Logs are JSON lines on stderr.

Source (one of):
      --repo URL                  Keep a shallow clone of URL (https; plain http only for loopback);
                                  fetched and hard-reset to the remote branch before every run. A
                                  token in the URL is used but never written to .git/config
      --branch NAME               Branch to follow (default: the remote's default branch)
      --workdir DIR               Where the clone lives (default: a directory under the system temp dir)
      --path DIR                  Work in DIR as it is (kept current by someone else); default: cwd
      --token-env NAME            Environment variable holding the token for git and the GitHub API
                                  (default: GITHUB_TOKEN)

Schedule:
      --interval DURATION         How often each scheduled tag is imported: 15m (default), 1h, 90s...
                                  (config: daemon.interval)
      --max-imports-per-minute N  Import budget of scheduled tags per sliding minute (default 60;
                                  config: daemon.maxImportsPerMinute)

Webhooks and HTTP:
      --listen [HOST:]PORT        Address to listen on (default 127.0.0.1:8080)
      --webhook-secret-env NAME   Environment variable holding the webhook secret (default:
                                  IMAGESTREAMS_WEBHOOK_SECRET, if set). Distribution: "Authorization:
                                  Bearer <secret>"; GitHub: X-Hub-Signature-256; Docker Hub: ?token=<secret>
      --registry-host HOST        Another name of the registry that sends Distribution notifications,
                                  as declarations write it; repeatable (config: daemon.registryHosts)

      Endpoints: POST /webhooks/distribution, /webhooks/dockerhub, /webhooks/github;
                 GET /healthz, /readyz, /metrics (Prometheus text format)

Publishing:
      --publish MODE              pull-request, commit or none (default: config publish.mode)
      --github-repository O/R     owner/repo for pull requests (default: GITHUB_REPOSITORY, else the
                                  --repo URL's last two path components)
      --api-url URL               GitHub REST API (default: GITHUB_API_URL, else https://api.github.com)
      --metadata                  Read creation time and labels of new images (for PR bodies)

Other:
  -c, --config PATH               Config file, relative to the repository (default: .imagestreams.yaml)
      --log-level LEVEL           debug, info (default), warn or error
      --log-format FORMAT         json (default) or text
  -h, --help                      Show this help

A run that fails as a whole (clone, fetch or push refused, a crash) is retried with exponential backoff:
30 s doubling to 15 min, jittered; nothing else starts meanwhile (see /metrics). Webhook pushes are
queued only when a stream tag imports them, once each, at most 1,000 (the oldest is dropped beyond).

Signals: SIGTERM or SIGINT stops accepting webhooks (503), lets the run in flight finish, and exits 0;
a second signal exits at once.

Exit codes:
  0  stopped by a signal after draining
  1  the daemon could not start (the listen address is in use or not allowed)
  2  bad usage

Examples:
  GITHUB_TOKEN=... imagestreams daemon --repo https://github.com/acme/platform.git --listen 0.0.0.0:8080
  imagestreams daemon --path /srv/platform --interval 30m --publish pull-request
`;

/** `HOST:PORT`, `:PORT`, `PORT` or `[v6]:PORT`. */
export function parseListen(text: string): { host: string; port: number } | undefined {
  const m = /^(?:(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]*):)?(\d{1,5})$/.exec(text.trim());
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port > 65535) return undefined;
  const host = m[1] ? m[1].replace(/^\[|\]$/g, '') : '127.0.0.1';
  return { host, port };
}

/** owner/repo from a GitHub-style URL (`…/owner/repo(.git)`), when it has two path components. */
export function repositoryFromUrl(url: string): string | undefined {
  try {
    const parts = new URL(url).pathname
      .replace(/\.git$/, '')
      .split('/')
      .filter(Boolean);
    return parts.length >= 2 ? parts.slice(-2).join('/') : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** --interval and --max-imports-per-minute, or a usage message. */
function daemonLimits(
  v: ParsedArgs['values'],
): { intervalMs?: number; maxImportsPerMinute?: number } | { usage: string } {
  let intervalMs: number | undefined;
  if (v.interval !== undefined) {
    intervalMs = parseDuration(String(v.interval));
    if (!intervalMs || intervalMs < 1000) {
      return {
        usage: `--interval must be a duration of at least 1s, e.g. 15m or 1h, not "${String(v.interval)}"`,
      };
    }
  }
  let maxImportsPerMinute: number | undefined;
  if (v['max-imports-per-minute'] !== undefined) {
    maxImportsPerMinute = Number(v['max-imports-per-minute']);
    if (!Number.isInteger(maxImportsPerMinute) || maxImportsPerMinute < 1) {
      return { usage: '--max-imports-per-minute must be a whole number of at least 1' };
    }
  }
  return omitUndefined({ intervalMs, maxImportsPerMinute });
}

/** Where the daemon works: a clone of --repo (in --workdir, else a folder named by the URL's hash), or a path. */
function daemonSource(
  repo: string | undefined,
  path: string | undefined,
  v: ParsedArgs['values'],
  cwd: string,
): DaemonSettings['source'] {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  if (!repo) return { kind: 'path', dir: abs(path ?? cwd) };
  const workdir =
    str(v.workdir) ??
    join(tmpdir(), 'imagestreams-daemon', createHash('sha256').update(repo).digest('hex').slice(0, 12));
  return {
    kind: 'clone',
    url: repo,
    dir: abs(workdir),
    ...omitUndefined({ branch: str(v.branch) || undefined }),
  };
}

/** Turns argv and env into settings, or a usage message. */
export function daemonSettings(args: ParsedArgs, io: CommandIO): DaemonSettings | { usage: string } {
  const v = args.values;
  if (args.positionals.length > 0) return { usage: `unexpected argument "${args.positionals[0]}"` };
  const given = str(v.repo);
  const path = str(v.path);
  const remote = given !== undefined ? checkRemoteUrl(given) : undefined;
  if (remote && 'error' in remote) return { usage: `--repo: ${remote.error}` };
  // A token in the URL is used through onAuth and never stored in the clone's .git/config.
  const repo = remote?.url;
  if (repo && path) return { usage: '--repo and --path exclude each other: give one' };
  if (!repo && (v.branch !== undefined || v.workdir !== undefined)) {
    return { usage: '--branch and --workdir only apply with --repo' };
  }
  const listen = parseListen(str(v.listen) ?? '127.0.0.1:8080');
  if (!listen) return { usage: `--listen must be [HOST:]PORT, e.g. 0.0.0.0:8080, not "${String(v.listen)}"` };
  const limits = daemonLimits(v);
  if ('usage' in limits) return limits;
  const mode = str(v.publish);
  if (mode !== undefined && !['pull-request', 'commit', 'none'].includes(mode)) {
    return { usage: `--publish must be pull-request, commit or none, not "${mode}"` };
  }
  const tokenEnv = str(v['token-env']) ?? 'GITHUB_TOKEN';
  const token = io.env[tokenEnv] || remote?.token || undefined;
  if (v['token-env'] !== undefined && !token) {
    return { usage: `--token-env ${tokenEnv}: that environment variable is not set` };
  }
  const secretEnv = str(v['webhook-secret-env']);
  const secret = io.env[secretEnv ?? 'IMAGESTREAMS_WEBHOOK_SECRET'] || undefined;
  if (secretEnv && !secret)
    return { usage: `--webhook-secret-env ${secretEnv}: that environment variable is not set` };
  const hosts = v['registry-host'];
  const registryHosts = (Array.isArray(hosts) ? hosts : hosts === undefined ? [] : [hosts]).map(String);
  const repository =
    str(v['github-repository']) ?? io.env.GITHUB_REPOSITORY ?? (repo ? repositoryFromUrl(repo) : undefined);
  if (repository !== undefined && !/^[^/\s]+\/[^/\s]+$/.test(repository)) {
    return { usage: `--github-repository must be owner/repo, not "${repository}"` };
  }
  const source = daemonSource(repo, path, v, io.cwd);
  const apiUrl = str(v['api-url']) ?? io.env.GITHUB_API_URL;
  return {
    host: listen.host,
    port: listen.port,
    source,
    registryHosts,
    ...limits,
    ...omitUndefined({
      secret,
      token,
      repository: repository || undefined,
      apiUrl: apiUrl || undefined,
      configPath: str(v.config) || undefined,
      publishMode: mode as PublishMode | undefined,
      withMetadata: v.metadata ? (true as const) : undefined,
    }),
  };
}

/** The daemon command (see HELP). */
export const daemonCommand: Command = {
  name: 'daemon',
  summary: 'Run as a service: per-tag schedule, registry webhooks, /healthz, /metrics',
  help: HELP,
  options: {
    repo: { type: 'string' },
    branch: { type: 'string' },
    workdir: { type: 'string' },
    path: { type: 'string' },
    'token-env': { type: 'string' },
    interval: { type: 'string' },
    'max-imports-per-minute': { type: 'string' },
    listen: { type: 'string' },
    'webhook-secret-env': { type: 'string' },
    'registry-host': { type: 'string', multiple: true },
    publish: { type: 'string' },
    'github-repository': { type: 'string' },
    'api-url': { type: 'string' },
    metadata: { type: 'boolean' },
    config: { type: 'string', short: 'c' },
    'log-level': { type: 'string' },
    'log-format': { type: 'string' },
  },
  async run(args, io) {
    const settings = daemonSettings(args, io);
    if ('usage' in settings) {
      return usageError(io, 'daemon', settings.usage);
    }
    const level = str(args.values['log-level']) ?? 'info';
    const format = str(args.values['log-format']) ?? 'json';
    if (!['debug', 'info', 'warn', 'error'].includes(level) || !['json', 'text'].includes(format)) {
      io.stderr('imagestreams daemon: --log-level is debug|info|warn|error, --log-format is json|text\n');
      return EXIT.USAGE;
    }
    const secrets = [settings.token, settings.secret];
    const logger = createLogger(io.stderr, {
      level: level as LogLevel,
      json: format === 'json',
      redact: (s) => redact(s, secrets),
    });
    const { runDaemon } = await import('../../daemon/main.js');
    try {
      return await runDaemon(settings, io, logger, {
        on: (s, fn) => process.on(s, fn),
        off: (s, fn) => process.off(s, fn),
        exit: (code) => process.exit(code),
      });
    } catch (e) {
      logger.error('daemon failed to start', { error: redact(String((e as Error)?.message ?? e), secrets) });
      return EXIT.FAILURE;
    }
  },
};
