// A real smart-HTTP git server for tests: Node's http server in front of `git http-backend` (CGI), on 127.0.0.1.
// Pushes land in real bare repositories under `root`, so tests verify them with the git CLI (refs, trees, fsck).

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/** One request the server answered (for byte counting and assertions). */
export interface GitRequestRecord {
  method: string;
  path: string;
  query: string;
  status: number;
  /** Request body bytes as received on the wire. */
  requestBytes: number;
  responseBytes: number;
  /** The Authorization header as received (tests scan it; never logged). */
  authorization?: string;
}

export interface GitServer {
  /** Base URL, e.g. http://127.0.0.1:PORT — repositories are at `${url}/<name>.git`. */
  url: string;
  /** GIT_PROJECT_ROOT: bare repositories live here. */
  root: string;
  requests: GitRequestRecord[];
  /** Bytes of request bodies sent to git-receive-pack (what a push uploads). */
  pushBytes(): number;
  close(): Promise<void>;
}

export interface GitServerOptions {
  /** When set, every request needs Basic auth whose password is this token; otherwise 401. */
  token?: string;
  /** REMOTE_USER passed to the CGI (receive-pack requires one for anonymous-less pushes). */
  user?: string;
}

/** Starts the server on a free port; `root` defaults to a new temp directory removed on close. */
export async function startGitServer(opts: GitServerOptions & { root?: string } = {}): Promise<GitServer> {
  const ownRoot = opts.root === undefined;
  const root = opts.root ?? (await mkdtemp(join(tmpdir(), 'imagestreams-git-')));
  const { stdout: execPath } = await execa('git', ['--exec-path']);
  const backend = join(execPath.trim(), 'git-http-backend');
  const requests: GitRequestRecord[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: GitRequestRecord = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query: u.search.slice(1),
      status: 0,
      requestBytes: 0,
      responseBytes: 0,
    };
    if (req.headers.authorization) record.authorization = req.headers.authorization;
    requests.push(record);

    if (opts.token !== undefined && !authorized(req.headers.authorization, opts.token)) {
      record.status = 401;
      req.resume();
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }

    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: root,
      // Enables receive-pack for this server without touching each repository's config.
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.receivepack',
      GIT_CONFIG_VALUE_0: 'true',
      REMOTE_USER: opts.user ?? 'imagestreams-test',
      REMOTE_ADDR: '127.0.0.1',
      REQUEST_METHOD: record.method,
      PATH_INFO: u.pathname,
      QUERY_STRING: record.query,
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      SERVER_PROTOCOL: 'HTTP/1.1',
    };
    if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
    if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
    if (req.headers['content-length']) env.CONTENT_LENGTH = String(req.headers['content-length']);

    const child = spawn(backend, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    req.on('data', (chunk: Buffer) => {
      record.requestBytes += chunk.length;
    });
    req.pipe(child.stdin);
    child.stdin.on('error', () => {});
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });

    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        record.responseBytes += chunk.length;
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      let sep = head.indexOf('\r\n\r\n');
      let sepLen = 4;
      if (sep < 0) {
        sep = head.indexOf('\n\n');
        sepLen = 2;
      }
      if (sep < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, sep).toString('latin1').split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      record.status = status;
      res.writeHead(status, headers);
      const rest = head.subarray(sep + sepLen);
      record.responseBytes += rest.length;
      if (rest.length > 0) res.write(rest);
    });
    child.on('close', (code) => {
      if (!headersDone) {
        record.status = 500;
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`git http-backend failed (${code}): ${stderr}`);
        return;
      }
      res.end();
    });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    root,
    requests,
    pushBytes: () =>
      requests
        .filter((r) => r.method === 'POST' && r.path.endsWith('/git-receive-pack'))
        .reduce((n, r) => n + r.requestBytes, 0),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownRoot) await rm(root, { recursive: true, force: true });
    },
  };
}

function authorized(header: string | undefined, token: string): boolean {
  if (!header || !/^basic /i.test(header)) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i >= 0 && decoded.slice(i + 1) === token;
}

/** Runs the git CLI asynchronously (never synchronously: the server lives in this process). */
export async function git(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await execa('git', args, {
    cwd,
    env: {
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: 'Test Human',
      GIT_AUTHOR_EMAIL: 'human@example.com',
      GIT_COMMITTER_NAME: 'Test Human',
      GIT_COMMITTER_EMAIL: 'human@example.com',
      ...env,
    },
  });
  return stdout;
}

/**
 * Creates bare repository `<root>/<name>.git` whose `main` holds `files`, and returns its path.
 * Files are written through a scratch clone with the git CLI.
 */
export async function createBareRepo(
  root: string,
  name: string,
  files: Record<string, string>,
  opts: { branch?: string } = {},
): Promise<string> {
  const branch = opts.branch ?? 'main';
  const bare = join(root, `${name}.git`);
  await execa('git', ['init', '--bare', '--quiet', `--initial-branch=${branch}`, bare]);
  const scratch = await mkdtemp(join(tmpdir(), 'imagestreams-seed-'));
  try {
    await git(scratch, ['init', '--quiet', `--initial-branch=${branch}`]);
    await writeFiles(scratch, files);
    await git(scratch, ['add', '-A']);
    await git(scratch, ['commit', '--quiet', '-m', 'initial']);
    await git(scratch, ['push', '--quiet', bare, `${branch}:refs/heads/${branch}`]);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return bare;
}

/** Writes files (creating directories) under `dir`. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/**
 * Makes a checkout the way actions/checkout leaves one: shallow (depth 1), single branch, `origin` pointing at
 * the HTTP URL, `refs/remotes/origin/<branch>` present and no `refs/remotes/origin/HEAD`.
 */
export async function actionsCheckout(
  url: string,
  dest: string,
  opts: { branch?: string; token?: string } = {},
): Promise<void> {
  const branch = opts.branch ?? 'main';
  await execa('git', ['init', '--quiet', dest]);
  await git(dest, ['remote', 'add', 'origin', url]);
  if (opts.token !== undefined) {
    // actions/checkout keeps its token in http.extraheader, which isomorphic-git ignores.
    const basic = Buffer.from(`x-access-token:${opts.token}`).toString('base64');
    await git(dest, ['config', '--local', `http.${url}/.extraheader`, `AUTHORIZATION: basic ${basic}`]);
  }
  await git(dest, [
    'fetch',
    '--quiet',
    '--no-tags',
    '--depth=1',
    'origin',
    `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
  ]);
  await git(dest, ['checkout', '--quiet', '-B', branch, `refs/remotes/origin/${branch}`]);
}
