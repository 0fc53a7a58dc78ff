// Every code the project raises, in one table: errors, diagnostics and publish skips, each with its fix.
// Long: it is one table (one entry per code), and splitting it would hide codes.

/** Where a code comes from; groups the codes in docs/error-codes.md. */
export type ErrorArea =
  | 'declarations'
  | 'config'
  | 'lock'
  | 'consumers'
  | 'edit'
  | 'registry'
  | 'git'
  | 'github'
  | 'publish'
  | 'dispatch'
  | 'usage';

/** What the catalogue says about one code. */
export interface ErrorCodeInfo {
  area: ErrorArea;
  /** The default: true when the user must fix something (no retry helps); false when a retry may help. */
  permanent: boolean;
  /** One sentence: how to fix it, or what to do next. Ends with a period. */
  hint: string;
}

/**
 * The catalogue, keyed by code. `permanent` is the default an error takes when its raise site does not decide
 * (a raise site may, e.g. a timeout is temporary where the same failure otherwise is not).
 */
export const ERROR_CATALOGUE = {
  // Declarations: the ImageStream files (validate, reconcile).
  PATH_NOT_FOUND: {
    area: 'declarations',
    permanent: true,
    hint: 'Check the working directory and the "declarations" paths in .imagestreams.yaml.',
  },
  NO_DECLARATIONS: {
    area: 'declarations',
    permanent: true,
    hint: 'Add ImageStream files under the declarations folder, or set "declarations" in .imagestreams.yaml.',
  },
  FILE_TOO_LARGE: {
    area: 'declarations',
    permanent: true,
    hint: 'Split the file into several smaller files.',
  },
  DECLARATIONS_TOO_LARGE: {
    area: 'declarations',
    permanent: true,
    hint: 'Remove large or stray files from the declarations folders.',
  },
  NOT_A_FILE: {
    area: 'declarations',
    permanent: true,
    hint: 'Declarations must be regular YAML or JSON files; remove the entry from "declarations".',
  },
  READ_FAILED: {
    area: 'declarations',
    permanent: true,
    hint: 'Check that the file exists and can be read.',
  },
  BINARY_FILE: {
    area: 'declarations',
    permanent: true,
    hint: 'Remove the binary file from the declarations folder.',
  },
  INVALID_UTF8: {
    area: 'declarations',
    permanent: true,
    hint: 'Save the file as UTF-8.',
  },
  YAML_SYNTAX: {
    area: 'declarations',
    permanent: true,
    hint: 'Fix the YAML at the given line and column.',
  },
  DUPLICATE_KEY: {
    area: 'declarations',
    permanent: true,
    hint: 'Remove or rename one of the two keys.',
  },
  ALIAS_LIMIT: {
    area: 'declarations',
    permanent: true,
    hint: 'Write the values out instead of using YAML aliases.',
  },
  SCHEMA: {
    area: 'declarations',
    permanent: true,
    hint: 'Fix the field as the message says; schemas/ describes every field.',
  },
  UNKNOWN_KIND: {
    area: 'declarations',
    permanent: true,
    hint: 'Declare objects with "kind: ImageStream" (or an ImageStreamList of them).',
  },
  NAME_TOO_LONG: {
    area: 'declarations',
    permanent: true,
    hint: 'Shorten the stream name or namespace.',
  },
  INVALID_STREAM_NAME: {
    area: 'declarations',
    permanent: true,
    hint: 'Use lower-case letters and digits separated by single ".", "_" or "-".',
  },
  DUPLICATE_STREAM: {
    area: 'declarations',
    permanent: true,
    hint: 'Rename one of the streams or give it another metadata.namespace.',
  },
  DUPLICATE_TAG: {
    area: 'declarations',
    permanent: true,
    hint: 'Remove or rename one of the two tags.',
  },
  INVALID_TAG_NAME: {
    area: 'declarations',
    permanent: true,
    hint: 'Use letters, digits, "_", "." and "-" (at most 128, not starting with "." or "-").',
  },
  INVALID_REFERENCE: {
    area: 'declarations',
    permanent: true,
    hint: 'Write an image reference such as "registry.example.com/team/app:1.2" or "app@sha256:<digest>".',
  },
  INVALID_REPOSITORY: {
    area: 'declarations',
    permanent: true,
    hint: 'Write the repository only, without a tag or digest.',
  },
  AMBIGUOUS_REGISTRY: {
    area: 'declarations',
    permanent: true,
    hint: 'Write the registry host in full so the reference means one registry everywhere.',
  },
  REGISTRY_NOT_ALLOWED: {
    area: 'declarations',
    permanent: true,
    hint: 'Add the registry to allowedRegistries in .imagestreams.yaml, or import from an allowed registry.',
  },
  SCHEDULED_NOT_DOCKER: {
    area: 'declarations',
    permanent: true,
    hint: 'Remove importPolicy.scheduled, or schedule the DockerImage tag this tag follows.',
  },
  INVALID_TAG_REFERENCE: {
    area: 'declarations',
    permanent: true,
    hint: 'Write "tag" (same stream) or "stream:tag".',
  },
  TAG_CYCLE: {
    area: 'declarations',
    permanent: true,
    hint: 'Point one tag of the cycle at a DockerImage.',
  },
  TAG_NOT_FOUND: {
    area: 'declarations',
    permanent: true,
    hint: 'Declare the followed tag, or follow one that exists.',
  },
  INVALID_STREAM_IMAGE: {
    area: 'declarations',
    permanent: true,
    hint: 'Write "stream@sha256:<digest or unambiguous prefix>".',
  },
  STREAM_NOT_FOUND: {
    area: 'declarations',
    permanent: true,
    hint: 'Declare the stream, or pin an image of a stream that is declared.',
  },
  PIN_AMBIGUOUS: {
    area: 'declarations',
    permanent: true,
    hint: 'Give more characters of the digest.',
  },
  PIN_NOT_IN_HISTORY: {
    area: 'declarations',
    permanent: true,
    hint: 'Pin an image that is in the stream tag history (see `imagestreams describe`).',
  },
  NOT_FOUND: {
    area: 'declarations',
    permanent: true,
    hint: 'Check the stream and tag names (`imagestreams describe` lists them), or create the tag.',
  },
  NO_IMAGE: {
    area: 'declarations',
    permanent: true,
    hint: 'Reconcile first so the source tag has an image, then retry.',
  },

  INVALID_TAG_POLICY: {
    area: 'declarations',
    permanent: true,
    hint: 'Write a policy docs/declaration.md lists (semver, numerical, alphabetical, first-seen) with a valid range, order, pattern or extract.',
  },
  INVALID_MINIMUM_AGE: {
    area: 'declarations',
    permanent: true,
    hint: 'Write the minimum age as a duration such as 72h, 3d or 1d12h.',
  },
  INVALID_REQUIRED_PLATFORMS: {
    area: 'declarations',
    permanent: true,
    hint: 'List platforms as os/arch[/variant] separated by commas, e.g. linux/amd64,linux/arm64.',
  },
  BUILD_OUTPUT_INVALID: {
    area: 'declarations',
    permanent: true,
    hint: "Give the BuildConfig's output.to a name of the form stream:tag (kind ImageStreamTag).",
  },
  BUILD_OUTPUT_UNDECLARED: {
    area: 'declarations',
    permanent: true,
    hint: "Declare the stream tag the BuildConfig's output.to names, or point output.to at a declared one.",
  },
  // Config: .imagestreams.yaml.
  CONFIG_NOT_FOUND: {
    area: 'config',
    permanent: true,
    hint: 'Check the --config path.',
  },
  CONFIG_UNREADABLE: {
    area: 'config',
    permanent: true,
    hint: 'Make the config a small regular YAML file.',
  },
  CONFIG_SCHEMA: {
    area: 'config',
    permanent: true,
    hint: 'Fix the setting as the message says; schemas/config.schema.json lists every setting.',
  },
  CONFIG_YAML_SYNTAX: {
    area: 'config',
    permanent: true,
    hint: 'Fix the YAML of the config file at the given line and column.',
  },
  CONFIG_DUPLICATE_KEY: {
    area: 'config',
    permanent: true,
    hint: 'Remove or rename one of the two keys in the config file.',
  },
  CONFIG_ALIAS_LIMIT: {
    area: 'config',
    permanent: true,
    hint: 'Write the config values out instead of using YAML aliases.',
  },
  CONFIG_FORBIDDEN_KEY: {
    area: 'config',
    permanent: true,
    hint: 'Remove or rename the key.',
  },
  CONFIG_PATH_OUTSIDE: {
    area: 'config',
    permanent: true,
    hint: 'Use paths inside the repository, without links that lead out of it.',
  },
  CONFIG_CONFLICT: {
    area: 'config',
    permanent: true,
    hint: 'Remove one of the two contradicting settings.',
  },
  BAD_CONFIG: {
    area: 'config',
    permanent: true,
    hint: 'Fix the setting named in the message.',
  },

  // Lock files.
  INVALID_LOCK: {
    area: 'lock',
    permanent: true,
    hint: 'Restore the lock file from git, or delete it to import the stream afresh.',
  },
  LOCK_UNREADABLE: {
    area: 'lock',
    permanent: true,
    hint: 'Check the lock file permissions, or restore it from git.',
  },
  LOCK_NOT_WRITTEN: {
    area: 'lock',
    permanent: true,
    hint: 'Check that the lock folder is writable and the disk has room, then run again.',
  },
  PATH_OUTSIDE_REPOSITORY: {
    area: 'lock',
    permanent: true,
    hint: 'Remove the link that leads outside the repository, or point the path inside it.',
  },

  TOO_MANY_TAGS: {
    area: 'registry',
    permanent: true,
    hint: 'Follow a repository with fewer tags, or pin the tag without imagestreams.dev/tag-policy.',
  },
  // Consumers: files that follow stream tags (verify, reconcile).
  CONSUMER_YAML_INVALID: {
    area: 'consumers',
    permanent: true,
    hint: 'Fix the YAML of the consumer file.',
  },
  CONSUMER_CONFLICT: {
    area: 'consumers',
    permanent: true,
    hint: 'Make the value follow one stream tag only.',
  },
  CONSUMER_DRIFT: {
    area: 'consumers',
    permanent: true,
    hint: 'Run `imagestreams reconcile` to write the locked image, or fix the value by hand.',
  },
  CONSUMER_UNLOCKED: {
    area: 'consumers',
    permanent: true,
    hint: 'Run `imagestreams reconcile` so the followed stream tag gets a locked image.',
  },
  MARKER_INVALID: {
    area: 'consumers',
    permanent: true,
    hint: 'Write the marker as the message shows (see docs/triggers.md, section 4).',
  },
  TRIGGER_ANNOTATION_INVALID: {
    area: 'consumers',
    permanent: true,
    hint: 'Fix the image.openshift.io/triggers annotation: a JSON list of {from, fieldPath}.',
  },
  TRIGGER_INVALID: {
    area: 'consumers',
    permanent: true,
    hint: 'Fix the trigger as the message says.',
  },
  TRIGGER_NOT_HONOURED: {
    area: 'consumers',
    permanent: true,
    hint: 'Change the trigger so the cluster honours it, or remove it.',
  },
  CONSUMER_EDIT_CONFLICT: {
    area: 'consumers',
    permanent: true,
    hint: 'The file changed while it was being rewritten; run again.',
  },
  CONSUMER_EDIT_OVERLAP: {
    area: 'consumers',
    permanent: true,
    hint: 'Two consumers govern the same value; keep one.',
  },

  LOOKUP_NOT_PINNABLE: {
    area: 'consumers',
    permanent: true,
    hint: 'Write the image field in block-style YAML (a JSON or flow-style file cannot hold the marker), or name the image with a trigger annotation.',
  },
  MARKER_PARTS_INCOMPLETE: {
    area: 'consumers',
    permanent: true,
    hint: 'Give every image whose fields are split a `:digest` marker (and a `:repository` one); see docs/triggers.md, "Split image fields".',
  },
  // Edits of declarations (tag, rollback, import).
  EDIT_FAILED: {
    area: 'edit',
    permanent: true,
    hint: 'Edit the declaration by hand, or report the file shape that could not be edited.',
  },
  USAGE: {
    area: 'usage',
    permanent: true,
    hint: 'See `imagestreams <command> --help` for the arguments.',
  },
  ACTION_INPUT: {
    area: 'usage',
    permanent: true,
    hint: 'Fix the Action input named in the message (see action.yml).',
  },
  ACTION_EVENT: {
    area: 'usage',
    permanent: true,
    hint: 'Run this mode from an event that carries what it needs, as the message says.',
  },
  INTERNAL: {
    area: 'usage',
    permanent: true,
    hint: 'This is a bug: report it with the message.',
  },

  // Registry.
  MANIFEST_UNKNOWN: {
    area: 'registry',
    permanent: true,
    hint: 'Check that the image and tag exist in the registry.',
  },
  UNAUTHORIZED: {
    area: 'registry',
    permanent: true,
    hint: 'Log in to the registry (docker login) or give credentials that can pull the image.',
  },
  NOT_ALLOWED: {
    area: 'registry',
    permanent: true,
    hint: 'Use an allowed registry address, or allow it explicitly (insecureRegistries, allowedRegistries).',
  },
  PLATFORM_NOT_FOUND: {
    area: 'registry',
    permanent: true,
    hint: 'Choose a platform the image index lists.',
  },
  DIGEST_MISMATCH: {
    area: 'registry',
    permanent: false,
    hint: 'Retry; if it persists, the registry or a proxy is serving wrong content.',
  },
  RATE_LIMITED: {
    area: 'registry',
    permanent: false,
    hint: 'Wait and retry, or authenticate to get a higher limit.',
  },
  REGISTRY_UNAVAILABLE: {
    area: 'registry',
    permanent: false,
    hint: 'Retry later; check the registry address and the network.',
  },
  BAD_RESPONSE: {
    area: 'registry',
    permanent: false,
    hint: 'Retry; if it persists, check that the address is a registry and no proxy is in the way.',
  },
  CREDENTIAL_HELPER_FAILED: {
    area: 'registry',
    permanent: true,
    hint: 'Run the credential helper by hand to see why it fails, or fix credHelpers in the docker config.',
  },

  // Git.
  GIT_NOT_A_REPOSITORY: {
    area: 'git',
    permanent: true,
    hint: 'Run inside a git checkout (or pass the right directory).',
  },
  GIT_UNSUPPORTED_REPOSITORY: {
    area: 'git',
    permanent: true,
    hint: 'Use a plain SHA-1 clone in its main work tree, or publish with mode "none".',
  },
  GIT_UNSUPPORTED_INDEX: {
    area: 'git',
    permanent: true,
    hint: 'Rewrite the index in version 2 (`git update-index --index-version 2`), as the message says.',
  },
  GIT_DETACHED_HEAD: {
    area: 'git',
    permanent: true,
    hint: 'Check out a branch before publishing in commit mode.',
  },
  GIT_NO_BASE: {
    area: 'git',
    permanent: true,
    hint: 'Pass the base branch of pull requests (`base`).',
  },
  GIT_BASE_MOVED: {
    area: 'git',
    permanent: true,
    hint: 'The branch moved while this run worked; run again.',
  },
  GIT_BAD_PATH: {
    area: 'git',
    permanent: true,
    hint: 'Only paths inside the repository can be committed.',
  },
  GIT_COMMIT_MISSING: {
    area: 'git',
    permanent: true,
    hint: 'Fetch the commit (a deeper clone), or name one that exists.',
  },
  GIT_LEASE_FAILED: {
    area: 'git',
    permanent: false,
    hint: 'Someone else moved the branch; the next run starts from its new tip.',
  },
  GIT_PUSH_REJECTED: {
    area: 'git',
    permanent: false,
    hint: 'The remote moved; the next run starts from its new tip.',
  },
  GIT_PUSH_REFUSED: {
    area: 'git',
    permanent: true,
    hint: 'Check the branch protection rules and the token permissions.',
  },
  GIT_AUTH_FAILED: {
    area: 'git',
    permanent: true,
    hint: 'Check that the token is valid and not expired.',
  },
  GIT_NO_CREDENTIALS: {
    area: 'git',
    permanent: true,
    hint: 'Give a token (GITHUB_TOKEN), or publish with mode "none".',
  },
  GIT_FORBIDDEN: {
    area: 'git',
    permanent: true,
    hint: 'Give the token write access to the repository (contents: write).',
  },
  GIT_REMOTE_FAILED: {
    area: 'git',
    permanent: true,
    hint: 'Check the remote URL and the network; retry when the remote answers again.',
  },
  GIT_INSECURE_REMOTE: {
    area: 'git',
    permanent: true,
    hint: 'Use an https remote URL.',
  },
  LOCK_PR_CHECKOUT: {
    area: 'git',
    permanent: true,
    hint: "Check out the pull request head with its history: actions/checkout with `ref:` the event's pull_request.head.sha and `fetch-depth: 0`.",
  },
  LOCK_PR_HEAD_MOVED: {
    area: 'git',
    permanent: true,
    hint: 'Nothing was pushed; the run for the newest push of the pull request commits the locks (re-run that one).',
  },

  // GitHub.
  GITHUB_ACTIONS_PR_DISABLED: {
    area: 'github',
    permanent: true,
    hint: 'Allow GitHub Actions to create pull requests (Settings → Actions → General), or use an App token or PAT.',
  },
  GITHUB_BAD_CREDENTIALS: {
    area: 'github',
    permanent: true,
    hint: 'Check that the GitHub token is valid and not expired.',
  },
  GITHUB_FORBIDDEN: {
    area: 'github',
    permanent: true,
    hint: 'Grant the token the permission named in the message.',
  },
  GITHUB_NOT_FOUND: {
    area: 'github',
    permanent: true,
    hint: 'Check owner/repo and that the token can see the repository.',
  },
  GITHUB_API_FAILED: {
    area: 'github',
    permanent: true,
    hint: 'Retry later if GitHub answered 5xx or a rate limit; otherwise fix what the answer names.',
  },

  // Publishing: results, skips and failures of a publish step.
  MODE_NONE: {
    area: 'publish',
    permanent: true,
    hint: 'Nothing to do: publish mode "none" leaves the changes in the working tree.',
  },
  FORK: {
    area: 'publish',
    permanent: true,
    hint: 'Nothing to do: pull requests from forks get no credentials; publishing happens on the base repository.',
  },
  NO_CREDENTIALS: {
    area: 'publish',
    permanent: true,
    hint: 'Give a token (GITHUB_TOKEN) to publish.',
  },
  NO_GITHUB: {
    area: 'publish',
    permanent: true,
    hint: 'Give owner/repo and a token, or publish in commit mode.',
  },
  NO_REMOTE: {
    area: 'publish',
    permanent: true,
    hint: 'Add an "origin" remote, or pass the remote URL.',
  },
  PUBLISH_SIGN_COMMITS_MODE: {
    area: 'publish',
    permanent: true,
    hint: 'Publish in pull-request mode, or remove publish.signCommits.',
  },
  PUBLISH_FAILED: {
    area: 'publish',
    permanent: true,
    hint: 'Read the message; run again once its cause is fixed.',
  },

  // Dispatch.
  DISPATCH_CONFIG: {
    area: 'dispatch',
    permanent: true,
    hint: 'Fix the dispatch settings in .imagestreams.yaml as the message says.',
  },
  DISPATCH_NO_TOKEN: {
    area: 'dispatch',
    permanent: true,
    hint: 'Give a token that can send repository dispatches.',
  },
  DISPATCH_FAILED: {
    area: 'dispatch',
    permanent: false,
    hint: 'Retry; check the target repository and the token.',
  },
  DISPATCH_COMMAND_FAILED: {
    area: 'dispatch',
    permanent: true,
    hint: 'Run the dispatch command by hand to see why it fails.',
  },

  // verify --registry: the locked digests checked against the repositories the declarations name.
  LOCKED_DIGEST_UNKNOWN: {
    area: 'lock',
    permanent: true,
    hint: 'The registry does not have this digest in the declared repository: restore the lock and the consumers from the base branch (git checkout origin/main -- FILE), or run `imagestreams reconcile` to lock what the tag points at.',
  },
  LOCKED_REPOSITORY_MISMATCH: {
    area: 'lock',
    permanent: true,
    hint: 'The lock pins another repository than its tag declares: restore the lock from the base branch, or run `imagestreams reconcile` and commit the lock with the declaration.',
  },
  LOCKED_SPEC_STALE: {
    area: 'lock',
    permanent: true,
    hint: 'The declaration changed since the lock was written; its digests were checked in the repository the lock names. Run `imagestreams reconcile` (or merge, and let the next run) to lock the new source.',
  },
  LOCKED_DIGEST_UNVERIFIED: {
    area: 'registry',
    permanent: false,
    hint: 'The registry could not be asked (rate limit, timeout, server error, credentials or the deadline): nothing was verified for these digests; re-run the check later, or from a branch of this repository when a fork has no credentials.',
  },
  LOCKED_REGISTRY_NOT_ALLOWED: {
    area: 'lock',
    permanent: true,
    hint: 'The lock names a registry outside allowedRegistries, which is never contacted: fix the lock or the declaration, or add the registry to allowedRegistries in .imagestreams.yaml.',
  },
  CONFIG_SCHEDULE: {
    area: 'config',
    permanent: true,
    hint: 'Give a publish group\'s schedule two different hours ("00-06") and an IANA time zone ("Europe/Berlin").',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Every code the project raises; tsc refuses any other. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The codes, in catalogue order. */
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

/** How to fix `code`, or what to do next. */
export function hintFor(code: ErrorCode): string {
  return ERROR_CATALOGUE[code].hint;
}

/** Whether an error with this code is permanent unless its raise site says otherwise. */
export function isPermanentCode(code: ErrorCode): boolean {
  return ERROR_CATALOGUE[code].permanent;
}

/** The data of a registry error: which registry and reference, and what the answer said when it said something. */
export type RegistryErrorData = {
  registry: string;
  reference: string;
  /** The request URL, redacted. */
  url?: string;
  /** The HTTP status, when there was an answer. */
  status?: number;
  /** `Retry-After` as the registry wrote it (RATE_LIMITED). */
  retryAfter?: string;
  /** This run skipped the request: the registry rate-limited an earlier one (RATE_LIMITED). */
  skipped?: boolean;
  /** The transport failure kind when no answer came (tls, refused, timeout…). */
  transport?: string;
};

/** A lock file's problems: the file and, when it parsed as far as positions, one diagnostic per problem. */
export type LockErrorData = {
  file: string;
  diagnostics?: { file: string; line: number; column: number; message: string }[];
  line?: number;
  column?: number;
};

/** The structured data of the codes whose data other code reads; other codes carry a free record. */
export type ErrorDataMap = {
  MANIFEST_UNKNOWN: RegistryErrorData;
  UNAUTHORIZED: RegistryErrorData;
  NOT_ALLOWED: RegistryErrorData;
  PLATFORM_NOT_FOUND: RegistryErrorData;
  DIGEST_MISMATCH: RegistryErrorData;
  RATE_LIMITED: RegistryErrorData;
  REGISTRY_UNAVAILABLE: RegistryErrorData;
  BAD_RESPONSE: RegistryErrorData;
  INVALID_LOCK: LockErrorData;
};

/** The data an error with code `C` carries (a free record for codes without a typed shape). */
export type ErrorData<C extends ErrorCode> = [C] extends [keyof ErrorDataMap]
  ? ErrorDataMap[C] & Record<string, unknown>
  : Record<string, unknown>;
