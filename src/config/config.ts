// The project config (.imagestreams.yaml) as a typed object, with every default applied in this one place.

/** Credentials are environment variable NAMES; the secrets themselves never live in the repository. */
export interface RegistryCredentials {
  usernameEnv: string;
  passwordEnv: string;
}

/** Per-registry settings, keyed by host[:port]. */
export interface RegistryConfig {
  mirrors: string[];
  insecure: boolean;
  credentials?: RegistryCredentials;
}

/** Streams published together in one PR. */
export interface PublishGroup {
  name: string;
  streams: string[];
  labels?: string[];
  reviewers?: string[];
  /** When its PR may be opened or updated; outside it the group waits (see policy/schedule-window.ts). */
  schedule?: ScheduleWindowConfig;
}

/** A group's schedule window as written (schema-checked; the time zone is checked when the config loads). */
export interface ScheduleWindowConfig {
  days?: Array<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'>;
  /** `HH-HH`, local hours; wraps past midnight when the first is later. */
  hours?: string;
  /** IANA time zone; default UTC. */
  timezone?: string;
}

/** `autoMerge: {method, only: digest}`: auto-merge only digest-only, soaked changes. */
export interface AutoMergeConfig {
  method?: 'merge' | 'squash' | 'rebase';
  only: 'digest';
}

/** How lock changes are published. */
export interface PublishConfig {
  mode: 'pull-request' | 'commit' | 'none';
  branchPrefix: string;
  labels: string[];
  reviewers: string[];
  teamReviewers: string[];
  assignees: string[];
  draft: boolean;
  autoMerge: boolean | 'merge' | 'squash' | 'rebase' | AutoMergeConfig;
  author?: string;
  /** Pull-request mode: branch commits made through GitHub's API, so GitHub signs them (verified). */
  signCommits: boolean;
  groups: PublishGroup[];
  /** The dashboard issue (`publish.dashboard`); undefined when off. */
  dashboard?: DashboardConfig;
  /** Pull-request mode: most imagestreams PRs open at once (unset: no limit). */
  maxOpenPullRequests?: number;
}

/** The dashboard issue kept up to date by publishing runs (docs/publishing.md, "Dashboard"). */
export interface DashboardConfig {
  title: string;
  /** Labels of the issue; the first is `imagestreams:dashboard`, by which it is found. */
  labels: string[];
}

/** The label that finds the dashboard issue (with the marker in its body). */
export const DASHBOARD_LABEL = 'imagestreams:dashboard';

/** Something notified after a lock change lands on the default branch. */
export interface DispatchTarget {
  type: 'repository_dispatch' | 'workflow_dispatch' | 'command';
  repository?: string;
  eventType?: string;
  workflow?: string;
  ref?: string;
  inputs?: Record<string, string>;
  command?: string[];
  streams?: string[];
  tokenEnv?: string;
}

/** Settings of `imagestreams daemon` (flags override; the daemon applies its own defaults). */
export interface DaemonConfig {
  /** Duration text such as "15m" (schema-checked). */
  interval?: string;
  maxImportsPerMinute?: number;
  registryHosts?: string[];
}

/** How consumers are pinned: `repo:tag@sha256:…` (readable; the digest decides) or `repo@sha256:…`. */
export type PinFormat = 'tag-and-digest' | 'digest';

/** The effective config: every field set (defaults applied). */
export interface Config {
  /** Folders or globs, repository-relative. */
  declarations: string[];
  namespace: string;
  lockDir: string;
  historyLimit: number;
  /** undefined: every registry is allowed. */
  allowedRegistries?: string[];
  /** Hosts registries may redirect GETs to (blob storage) or name as token realm, when allowedRegistries is set. */
  allowedRedirectHosts: string[];
  insecureRegistries: string[];
  localRegistry?: string;
  /** Consumers' pull specs; default `tag-and-digest`. */
  pinFormat: PinFormat;
  /** Import mode of tags that set none (like OpenShift's cluster-wide image config); unset: Legacy. */
  importMode?: 'Legacy' | 'PreserveOriginal';
  registries: Record<string, RegistryConfig>;
  publish: PublishConfig;
  dispatch: DispatchTarget[];
  /** Present when the file has a `daemon:` section. */
  daemon?: DaemonConfig;
  /** Whole-run deadline of reconcile as a duration ("20m"); past it no registry request starts. */
  deadline?: string;
}

/** The config file's name at the repository root. */
export const CONFIG_FILE = '.imagestreams.yaml';

/** The config file as written (schema-valid, everything optional). */
export type RawConfig = Partial<Omit<Config, 'registries' | 'publish'>> & {
  registries?: Record<string, Partial<RegistryConfig>>;
  publish?: Partial<Omit<PublishConfig, 'dashboard'>> & {
    dashboard?: boolean | { title?: string; labels?: string[] };
  };
};

/** Apply defaults: the only place they live. */
export function resolveConfig(raw: RawConfig | null | undefined = {}): Config {
  const r = raw ?? {};
  const registries: Record<string, RegistryConfig> = {};
  for (const [host, reg] of Object.entries(r.registries ?? {})) {
    registries[host] = {
      mirrors: reg.mirrors ?? [],
      insecure: reg.insecure ?? false,
      ...(reg.credentials ? { credentials: reg.credentials } : {}),
    };
  }
  const p = r.publish ?? {};
  const config: Config = {
    declarations: r.declarations ?? ['imagestreams'],
    namespace: r.namespace ?? 'default',
    lockDir: (r.lockDir ?? 'imagestreams.lock').replace(/\/+$/, ''),
    historyLimit: r.historyLimit ?? 10,
    pinFormat: r.pinFormat ?? 'tag-and-digest',
    insecureRegistries: r.insecureRegistries ?? [],
    allowedRedirectHosts: r.allowedRedirectHosts ?? [],
    registries,
    publish: {
      mode: p.mode ?? 'pull-request',
      branchPrefix: p.branchPrefix ?? 'imagestreams/',
      labels: p.labels ?? [],
      reviewers: p.reviewers ?? [],
      teamReviewers: p.teamReviewers ?? [],
      assignees: p.assignees ?? [],
      draft: p.draft ?? false,
      autoMerge: p.autoMerge ?? false,
      signCommits: p.signCommits ?? false,
      groups: p.groups ?? [],
      ...(p.author ? { author: p.author } : {}),
      ...(p.dashboard ? { dashboard: dashboardConfig(p.dashboard) } : {}),
      ...(p.maxOpenPullRequests ? { maxOpenPullRequests: p.maxOpenPullRequests } : {}),
    },
    dispatch: r.dispatch ?? [],
  };
  if (r.allowedRegistries) config.allowedRegistries = r.allowedRegistries;
  if (r.daemon) config.daemon = { ...r.daemon };
  if (r.deadline) config.deadline = r.deadline;
  if (r.importMode) config.importMode = r.importMode;
  if (r.localRegistry) config.localRegistry = r.localRegistry.replace(/\/+$/, '');
  return config;
}

/** `publish.dashboard` (when on) with its defaults. */
function dashboardConfig(d: true | { title?: string; labels?: string[] }): DashboardConfig {
  const o = d === true ? {} : d;
  return {
    title: o.title ?? 'imagestreams dashboard',
    labels: [DASHBOARD_LABEL, ...(o.labels ?? []).filter((l) => l !== DASHBOARD_LABEL)],
  };
}

/** True when `domain` (host[:port], normalised: docker.io for Docker Hub) matches a registry pattern. */
export function registryMatches(pattern: string, domain: string): boolean {
  const norm = (d: string) => {
    const l = d.toLowerCase();
    return l === 'index.docker.io' || l === 'registry-1.docker.io' ? 'docker.io' : l;
  };
  const p = norm(pattern);
  const d = norm(domain);
  const portOf = (s: string) =>
    s.startsWith('[') ? s.slice(s.indexOf(']') + 1) : (/:\d+$/.exec(s)?.[0] ?? '');
  const hostOf = (s: string) => {
    const port = portOf(s);
    return port && s.endsWith(port) ? s.slice(0, s.length - port.length) : s;
  };
  const pPort = portOf(p);
  if (pPort && pPort !== portOf(d)) return false;
  const ph = hostOf(p);
  const dh = norm(hostOf(d));
  if (ph.startsWith('*.')) return dh.endsWith(ph.slice(1)) && dh.length > ph.length - 1;
  return ph === dh;
}

/** True when imports from `domain` are allowed (no allowlist: all are). */
export function registryAllowed(config: Pick<Config, 'allowedRegistries'>, domain: string): boolean {
  return !config.allowedRegistries || config.allowedRegistries.some((p) => registryMatches(p, domain));
}
