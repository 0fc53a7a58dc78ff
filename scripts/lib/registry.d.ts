// Types for registry.js (the shared local-registry harness used by tests, bench and demo).

export declare const MT: {
  OCI_INDEX: string;
  OCI_MANIFEST: string;
  DOCKER_LIST: string;
  DOCKER_MANIFEST: string;
  OCI_CONFIG: string;
  DOCKER_CONFIG: string;
  OCI_LAYER: string;
  DOCKER_LAYER: string;
};

export declare function digestOf(bytes: Buffer | string): string;
export declare function freePort(): Promise<number>;
export declare function selfSignedCert(cn?: string): { keyPem: string; certPem: string; certDer: Buffer };
/** A positive, minimal DER INTEGER body for a certificate serial (first byte 0x40–0x7f). */
export declare function certSerial(bytes: Uint8Array): Buffer;

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certPem: string;
  certPath: string;
  state: { requests: number; tokensIssued: number; scopes: string[] };
  mint(repo: string, actions?: string[]): string;
  close(): Promise<void>;
}
export declare function startTokenServer(opts?: {
  service?: string;
  issuer?: string;
  users?: Record<string, string>;
  anonymous?: boolean;
  allowPush?: boolean;
  expiresIn?: number;
}): Promise<TokenServer>;

export interface RunningRegistry {
  host: string;
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}
/** One Distribution notification endpoint (the registry POSTs event envelopes to `url`). */
export interface NotificationEndpoint {
  name: string;
  url: string;
  headers?: Record<string, string[]>;
  /** Durations as the registry writes them, e.g. "1s", "500ms". */
  timeout?: string;
  threshold?: number;
  backoff?: string;
  ignore?: { actions?: string[]; mediatypes?: string[] };
  disabled?: boolean;
}
/** Notifications for pushes (pulls ignored) to a daemon's Distribution webhook, with a bearer secret. */
export declare function daemonNotifications(
  url: string,
  secret: string,
): { endpoints: NotificationEndpoint[] };
export declare function startRegistry(opts?: {
  dataDir?: string;
  keepData?: boolean;
  auth?: { htpasswd: { users: Record<string, string> } } | { token: TokenServer };
  /** Written as-is under `notifications:` in the registry's config. */
  notifications?: { endpoints: NotificationEndpoint[] };
}): Promise<RunningRegistry>;

export interface TestImage {
  config: Buffer;
  layers: Buffer[];
  manifest: Buffer;
  mediaType: string;
  digest: string;
}
export interface TestIndex {
  images: TestImage[];
  index: Buffer;
  mediaType: string;
  digest: string;
}
export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}
export declare function makeImage(opts?: {
  format?: 'docker' | 'oci';
  seed?: string;
  os?: string;
  architecture?: string;
  variant?: string;
  labels?: Record<string, string>;
  created?: string;
}): TestImage;
export declare function makeIndex(opts: {
  format?: 'docker' | 'oci';
  seed?: string;
  platforms: PlatformSpec[];
  attestation?: boolean;
  labels?: Record<string, string>;
  created?: string;
}): TestIndex;
export declare function pushBlob(
  base: string,
  repo: string,
  bytes: Buffer,
  headers?: Record<string, string>,
  opts?: { check?: boolean },
): Promise<string>;
export declare function pushManifest(
  base: string,
  repo: string,
  ref: string,
  bytes: Buffer,
  mediaType: string,
  headers?: Record<string, string>,
): Promise<string>;
export declare function pushImage(
  base: string,
  repo: string,
  tags: string | string[],
  image: TestImage,
  headers?: Record<string, string>,
): Promise<string>;
export declare function pushIndex(
  base: string,
  repo: string,
  tags: string | string[],
  idx: TestIndex,
  headers?: Record<string, string>,
): Promise<string>;
export declare function pool<T, R>(
  items: T[],
  n: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]>;

export interface SampleEntry {
  repo: string;
  tag: string;
  digest: string;
  mediaType: string;
}
export declare function pushSampleImages(
  base: string,
  headers?: Record<string, string>,
): Promise<{
  docker: SampleEntry & { image: TestImage };
  oci: SampleEntry & { image: TestImage };
  list: SampleEntry & { index: TestIndex };
  index: SampleEntry & { index: TestIndex };
}>;
