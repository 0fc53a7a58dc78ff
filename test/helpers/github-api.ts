// A local GitHub REST API for tests: pull requests, labels, reviewers, comments and dispatches kept in memory,
// and every request and response validated against GitHub's official OpenAPI description (the extract in
// test/fixtures/github-openapi/operations.json). Violations are recorded; tests assert there are none.
// Branch heads are read from the real bare repository behind the git server (git CLI, asynchronously); the Git
// Data operations (blobs, trees, commits, refs, compare) write to and read from it too. Commits it makes without
// an author are by `tokenIdentity`, as GitHub makes (and signs) them for the token; this fake does not sign.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { execa } from 'execa';
import { type FakeIssue, issueRoutes } from './github-issues.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = Record<string, unknown>;

interface Operation {
  method: string;
  path: string;
  parameters: Array<{ name: string; in: string; required: boolean; schema?: Schema }>;
  requestBody?: { required: boolean; schema?: Schema };
  responses: Record<string, { schema?: Schema }>;
}

const here = dirname(fileURLToPath(import.meta.url));
const spec = JSON.parse(
  readFileSync(join(here, '..', 'fixtures', 'github-openapi', 'operations.json'), 'utf8'),
) as {
  operations: Record<string, Operation>;
};

/** One request the fake answered. */
export interface ApiRequestRecord {
  operationId: string;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  response: unknown;
  authorization?: string;
}

/** A canned failure for the next call(s) of an operation. */
export interface InjectedFailure {
  status: number;
  body: Json;
  /** How many calls fail (default 1). */
  times?: number;
  /** Runs before answering (e.g. a concurrent creator's PR appearing). */
  effect?: () => void | Promise<void>;
}

export interface FakePull {
  number: number;
  node_id: string;
  state: 'open' | 'closed';
  title: string;
  body: string | null;
  draft: boolean;
  head: string;
  base: string;
  headSha: string;
  labels: string[];
  assignees: string[];
  reviewers: string[];
  teamReviewers: string[];
  autoMerge: string | null;
  comments: Array<{ id: number; body: string }>;
}

/** Adds a PR directly to the fake's state (as if another client had created it). */
export type AddPull = (p: Pick<FakePull, 'head' | 'base' | 'title'> & Partial<FakePull>) => FakePull;

export interface GitHubApi {
  addPull: AddPull;
  /** Base URL to give octokit (includes `prefix`). */
  url: string;
  requests: ApiRequestRecord[];
  /** Schema violations of requests and responses; assert this is empty. */
  violations: string[];
  pulls: FakePull[];
  /** Issues (not pull requests) created through the API or added with addIssue. */
  issues: FakeIssue[];
  addIssue: (p: Partial<FakeIssue> & Pick<FakeIssue, 'title'>) => FakeIssue;
  dispatches: Array<{ operationId: string; body: unknown }>;
  /** Runs `effect` once, just before the next call of `operationId` is answered normally. */
  before(operationId: string, effect: () => void | Promise<void>): void;
  /** Makes the next call(s) of `operationId` answer with this status and body. */
  fail(operationId: string, failure: InjectedFailure): void;
  /** Calls that change state (anything but GET). */
  writes(): ApiRequestRecord[];
  close(): Promise<void>;
}

export interface GitHubApiOptions {
  owner: string;
  repo: string;
  /** Required token (`Authorization: token …` / `Bearer …`); others get 401. */
  token?: string;
  /** Bare repository backing the git refs (head SHAs, branch existence, deleteRef). */
  bareRepo?: string;
  /** Path prefix, e.g. `/api/v3` as on GitHub Enterprise Server. */
  prefix?: string;
  /** `permissions` reported by repos/get. */
  permissions?: { admin: boolean; maintain?: boolean; push: boolean; triage?: boolean; pull: boolean };
  defaultBranch?: string;
  /** Author and committer of commits created through git/create-commit without them (the token's identity). */
  tokenIdentity?: { name: string; email: string };
}

/** The identity GitHub gives commits GITHUB_TOKEN creates through the API. */
export const ACTIONS_BOT = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
};

function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (
      k === 'nullable' ||
      k.startsWith('x-') ||
      k === 'discriminator' ||
      k === 'readOnly' ||
      k === 'writeOnly'
    ) {
      continue;
    }
    out[k] = toJsonSchema(v);
  }
  const n = node as Record<string, unknown>;
  if (n.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (!out.type) return { anyOf: [out, { type: 'null' }] };
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  return out;
}

/** Builds validators once per process. */
const validators = (() => {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  ajv.addFormat('int64', true);
  ajv.addFormat('repo.nwo', true);
  const cache = new Map<string, ValidateFunction>();
  return (key: string, schema: Schema): ValidateFunction => {
    let v = cache.get(key);
    if (!v) {
      v = ajv.compile(toJsonSchema(schema) as Schema);
      cache.set(key, v);
    }
    return v;
  };
})();

/** A value satisfying `schema`'s required fields, for building schema-valid responses. */
export function sample(schema: Schema | undefined): Json {
  if (!schema) return null;
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...(schema.allOf as Schema[]).map((s) => sample(s) as object));
  }
  for (const k of ['anyOf', 'oneOf'] as const) {
    const alts = schema[k] as Schema[] | undefined;
    if (alts) return sample(alts.find((a) => a.type !== 'null' && !a.nullable) ?? alts[0]);
  }
  if (schema.nullable) return null;
  if (Array.isArray(schema.enum)) return schema.enum[0] as Json;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, Json> = {};
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      for (const r of (schema.required ?? []) as string[]) out[r] = sample(props[r] ?? {});
      return out;
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return false;
    case 'string':
      if (schema.format === 'uri') return 'https://github.example/x';
      if (schema.format === 'date-time') return '2026-01-01T00:00:00Z';
      if (schema.format === 'email') return 'x@example.com';
      return 'x';
    default:
      return null;
  }
}

function schemaAt(schema: Schema | undefined, path: string[]): Schema | undefined {
  let s = schema;
  for (const p of path) {
    if (!s) return undefined;
    if (p === '[]') s = s.items as Schema;
    else if (Array.isArray(s.allOf)) s = (s.allOf as Schema[]).map((a) => schemaAt(a, [p])).find(Boolean);
    else if (s.anyOf || s.oneOf)
      s = ((s.anyOf ?? s.oneOf) as Schema[]).map((a) => schemaAt(a, [p])).find(Boolean);
    else s = (s.properties as Record<string, Schema> | undefined)?.[p];
  }
  return s;
}

function compilePath(template: string): RegExp {
  // Literal parts are escaped (`compare/{base}...{head}` has dots); a parameter is one segment, `ref` any number.
  const parts = template.split(/(\{\w+\})/).map((part) => {
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (!name) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return `(?<${name}>${name === 'ref' ? '.+' : '[^/]+?'})`;
  });
  return new RegExp(`^${parts.join('')}$`);
}

const ROUTES = Object.entries(spec.operations).map(([id, op]) => ({ id, op, re: compilePath(op.path) }));

/** Starts the fake on 127.0.0.1 (free port). */
export async function startGitHubApi(opts: GitHubApiOptions): Promise<GitHubApi> {
  const requests: ApiRequestRecord[] = [];
  const violations: string[] = [];
  const pulls: FakePull[] = [];
  const dispatches: Array<{ operationId: string; body: unknown }> = [];
  const failures = new Map<string, InjectedFailure[]>();
  const befores = new Map<string, Array<() => void | Promise<void>>>();
  let nextNumber = 1;
  let nextComment = 1000;
  const prefix = opts.prefix ?? '';
  let baseUrl = '';

  const check = (what: string, key: string, schema: Schema | undefined, value: unknown) => {
    if (!schema) return;
    const v = validators(key, schema);
    if (!v(value)) {
      violations.push(`${what}: ${v.errors?.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`);
    }
  };

  const branchSha = async (branch: string): Promise<string | null> => {
    if (!opts.bareRepo) return 'a'.repeat(40);
    try {
      const { stdout } = await execa('git', ['rev-parse', '--verify', `refs/heads/${branch}^{commit}`], {
        cwd: opts.bareRepo,
      });
      return stdout.trim();
    } catch {
      return null;
    }
  };

  const fullName = `${opts.owner}/${opts.repo}`;
  const htmlBase = `https://github.example/${fullName}`;
  const issueApi = issueRoutes({
    owner: opts.owner,
    repo: opts.repo,
    htmlBase,
    apiBase: () => baseUrl,
    nextNumber: () => nextNumber++,
    pulls: () => pulls,
    responseSchema: (id, status) => spec.operations[id]?.responses[status]?.schema,
    sample,
    error: (status, message) => error(status, message),
    login: 'github-actions[bot]',
  });

  const user = (schema: Schema | undefined, login: string) => ({
    ...(sample(schema) as object),
    login,
    type: 'User',
  });
  const label = (schema: Schema | undefined, name: string) => ({
    ...(sample(schema) as object),
    name,
    color: 'ededed',
    description: '',
  });

  const pullJson = (p: FakePull, operation = 'pulls/get', status = '200'): Json => {
    const schema = spec.operations[operation]?.responses[status]?.schema;
    const item = operation === 'pulls/list' ? (schema?.items as Schema) : schema;
    const base = sample(item) as Record<string, Json>;
    const branchObj = (which: 'head' | 'base', ref: string, sha: string) => ({
      ...((base[which] as object) ?? {}),
      ref,
      sha,
      label: `${opts.owner}:${ref}`,
      repo: {
        ...((base[which] as Record<string, Json>)?.repo as object),
        name: opts.repo,
        full_name: fullName,
      },
    });
    return {
      ...base,
      id: p.number,
      node_id: p.node_id,
      number: p.number,
      state: p.state,
      title: p.title,
      body: p.body,
      draft: p.draft,
      url: `${baseUrl}/repos/${fullName}/pulls/${p.number}`,
      html_url: `${htmlBase}/pull/${p.number}`,
      head: branchObj('head', p.head, p.headSha),
      base: branchObj('base', p.base, 'b'.repeat(40)),
      labels: p.labels.map((n) => label(schemaAt(item, ['labels', '[]']), n)) as Json[],
      assignees: p.assignees.map((n) => user(schemaAt(item, ['assignees', '[]']), n)) as Json[],
      requested_reviewers: p.reviewers.map((n) =>
        user(schemaAt(item, ['requested_reviewers', '[]']), n),
      ) as Json[],
      auto_merge: p.autoMerge
        ? {
            ...(sample(schemaAt(item, ['auto_merge'])) as object),
            enabled_by: user(schemaAt(item, ['auto_merge', 'enabled_by']), 'imagestreams[bot]'),
            merge_method: p.autoMerge.toLowerCase(),
            commit_title: p.title,
            commit_message: '',
          }
        : null,
    } as Json;
  };

  const error = (status: number, message: string, errors?: Json[]): [number, Json] => [
    status,
    {
      message,
      documentation_url: 'https://docs.github.com/rest',
      ...(errors ? { errors } : {}),
      status: String(status),
    },
  ];

  const findPull = (n: string) => pulls.find((p) => p.number === Number(n));

  /** git in the bare repository; null (and a violation) when the fake has none. */
  const bareGit = async (
    args: string[],
    o: { input?: Buffer | string; env?: Record<string, string> } = {},
  ): Promise<{ ok: boolean; out: string }> => {
    if (!opts.bareRepo) {
      violations.push(`git ${args[0]}: the fake needs bareRepo for Git Data operations`);
      return { ok: false, out: '' };
    }
    const r = await execa('git', args, {
      cwd: opts.bareRepo,
      reject: false,
      ...(o.input !== undefined ? { input: o.input } : {}),
      ...(o.env ? { env: o.env } : {}),
    });
    return { ok: r.exitCode === 0, out: String(r.stdout).trim() };
  };
  const isObject = async (sha: unknown, type: 'commit' | 'tree') =>
    typeof sha === 'string' &&
    /^[0-9a-f]{40}$/.test(sha) &&
    (await bareGit(['cat-file', '-e', `${sha}^{${type}}`])).ok;
  const apiUrl = (path: string) => `${baseUrl}/repos/${fullName}/${path}`;
  const refJson = (ref: string, sha: string): Json => ({
    ref,
    node_id: `REF_${Buffer.from(ref).toString('base64url')}`,
    url: apiUrl(`git/${ref}`),
    object: { type: 'commit', sha, url: apiUrl(`git/commits/${sha}`) },
  });
  const refSha = async (ref: string): Promise<string | null> => {
    const r = await bareGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return r.ok ? r.out : null;
  };

  async function route(
    id: string,
    params: Record<string, string>,
    query: Record<string, string>,
    body: Record<string, unknown>,
  ): Promise<[number, Json]> {
    if (params.owner !== opts.owner || params.repo !== opts.repo) return error(404, 'Not Found');
    switch (id) {
      case 'repos/get': {
        const base = sample(spec.operations[id]?.responses['200']?.schema) as Record<string, Json>;
        return [
          200,
          {
            ...base,
            name: opts.repo,
            full_name: fullName,
            default_branch: opts.defaultBranch ?? 'main',
            fork: false,
            permissions: opts.permissions ?? {
              admin: false,
              maintain: false,
              push: true,
              triage: true,
              pull: true,
            },
          },
        ];
      }
      case 'pulls/list': {
        let list = pulls.filter(
          (p) => (query.state ?? 'open') === 'all' || p.state === (query.state ?? 'open'),
        );
        if (query.head) list = list.filter((p) => `${opts.owner}:${p.head}` === query.head);
        if (query.base) list = list.filter((p) => p.base === query.base);
        return [200, list.map((p) => pullJson(p, 'pulls/list'))];
      }
      case 'pulls/create': {
        const head = String(body.head ?? '');
        const branch = head.includes(':') ? head.slice(head.indexOf(':') + 1) : head;
        const baseRef = String(body.base ?? '');
        if (pulls.some((p) => p.state === 'open' && p.head === branch && p.base === baseRef)) {
          return error(422, 'Validation Failed', [
            {
              resource: 'PullRequest',
              code: 'custom',
              message: `A pull request already exists for ${opts.owner}:${branch}.`,
            },
          ]);
        }
        const sha = await branchSha(branch);
        if (!sha)
          return error(422, 'Validation Failed', [
            { resource: 'PullRequest', field: 'head', code: 'invalid' },
          ]);
        const p: FakePull = {
          number: nextNumber++,
          node_id: `PR_node${nextNumber}`,
          state: 'open',
          title: String(body.title ?? ''),
          body: (body.body as string | undefined) ?? null,
          draft: body.draft === true,
          head: branch,
          base: baseRef,
          headSha: sha,
          labels: [],
          assignees: [],
          reviewers: [],
          teamReviewers: [],
          autoMerge: null,
          comments: [],
        };
        pulls.push(p);
        return [201, pullJson(p, id, '201')];
      }
      case 'pulls/get': {
        const p = findPull(params.pull_number!);
        if (!p) return error(404, 'Not Found');
        p.headSha = (await branchSha(p.head)) ?? p.headSha;
        return [200, pullJson(p)];
      }
      case 'pulls/update': {
        const p = findPull(params.pull_number!);
        if (!p) return error(404, 'Not Found');
        if (typeof body.title === 'string') p.title = body.title;
        if (typeof body.body === 'string') p.body = body.body;
        if (body.state === 'open' || body.state === 'closed') p.state = body.state;
        p.headSha = (await branchSha(p.head)) ?? p.headSha;
        return [200, pullJson(p, id)];
      }
      case 'pulls/request-reviewers': {
        const p = findPull(params.pull_number!);
        if (!p) return error(404, 'Not Found');
        for (const r of (body.reviewers as string[] | undefined) ?? [])
          if (!p.reviewers.includes(r)) p.reviewers.push(r);
        for (const t of (body.team_reviewers as string[] | undefined) ?? []) {
          if (!p.teamReviewers.includes(t)) p.teamReviewers.push(t);
        }
        const base = sample(spec.operations[id]?.responses['201']?.schema) as Record<string, Json>;
        return [201, { ...base, number: p.number, title: p.title, state: p.state }];
      }
      case 'issues/add-labels': {
        const p = findPull(params.issue_number!);
        if (!p) return error(404, 'Not Found');
        const names = Array.isArray(body) ? body : ((body.labels as unknown[]) ?? []);
        for (const l of names) {
          const name = typeof l === 'string' ? l : String((l as { name: string }).name);
          if (!p.labels.includes(name)) p.labels.push(name);
        }
        const labelSchema = spec.operations[id]?.responses['200']?.schema?.items as Schema;
        return [200, p.labels.map((n) => label(labelSchema, n)) as Json[]];
      }
      case 'issues/add-assignees': {
        const p = findPull(params.issue_number!);
        if (!p) return error(404, 'Not Found');
        for (const a of (body.assignees as string[] | undefined) ?? [])
          if (!p.assignees.includes(a)) p.assignees.push(a);
        const base = sample(spec.operations[id]?.responses['201']?.schema) as Record<string, Json>;
        return [
          201,
          {
            ...base,
            number: p.number,
            title: p.title,
            assignees: p.assignees.map((n) =>
              user(schemaAt(spec.operations[id]?.responses['201']?.schema, ['assignees', '[]']), n),
            ) as Json[],
          },
        ];
      }
      case 'issues/list-comments': {
        const p = findPull(params.issue_number!);
        if (!p) return error(404, 'Not Found');
        const item = sample(spec.operations[id]?.responses['200']?.schema?.items as Schema) as object;
        return [200, p.comments.map((c) => ({ ...item, id: c.id, body: c.body }))];
      }
      case 'issues/create-comment': {
        const p = findPull(params.issue_number!);
        if (!p) return error(404, 'Not Found');
        const c = { id: nextComment++, body: String(body.body ?? '') };
        p.comments.push(c);
        return [201, { ...(sample(spec.operations[id]?.responses['201']?.schema) as object), ...c }];
      }
      case 'issues/update-comment': {
        const c = pulls.flatMap((p) => p.comments).find((x) => x.id === Number(params.comment_id));
        if (!c) return error(404, 'Not Found');
        c.body = String(body.body ?? '');
        return [200, { ...(sample(spec.operations[id]?.responses['200']?.schema) as object), ...c }];
      }
      case 'git/create-blob': {
        const encoding = String(body.encoding ?? 'utf-8');
        if (encoding !== 'base64' && encoding !== 'utf-8') return error(422, 'Invalid encoding');
        const bytes = Buffer.from(String(body.content ?? ''), encoding === 'base64' ? 'base64' : 'utf8');
        const r = await bareGit(['hash-object', '-w', '--stdin'], { input: bytes });
        if (!r.ok) return error(422, 'Could not create blob');
        return [201, { sha: r.out, url: apiUrl(`git/blobs/${r.out}`) }];
      }
      case 'git/create-tree': {
        // A temporary index: read the base tree, apply the entries, write the tree.
        const index = join(tmpdir(), `fake-github-index-${randomUUID()}`);
        const env = { GIT_INDEX_FILE: index };
        try {
          if (body.base_tree !== undefined && !(await isObject(body.base_tree, 'tree'))) {
            return error(422, 'Invalid tree info');
          }
          await bareGit(body.base_tree ? ['read-tree', String(body.base_tree)] : ['read-tree', '--empty'], {
            env,
          });
          for (const e of (body.tree as Array<Record<string, unknown>>) ?? []) {
            const path = String(e.path ?? '');
            if (e.type !== 'blob') {
              violations.push(`git/create-tree: the fake supports blob entries only (${path} is ${e.type})`);
              return error(422, 'Invalid tree info');
            }
            if (e.sha === null) {
              // Mode 0 removes the path (`--force-remove` needs a work tree, which a bare repository lacks).
              await bareGit(['update-index', '--index-info'], {
                env,
                input: `0 ${'0'.repeat(40)}\t${path}\n`,
              });
              continue;
            }
            let sha = e.sha as string | undefined;
            if (typeof e.content === 'string') {
              sha = (await bareGit(['hash-object', '-w', '--stdin'], { input: e.content })).out;
            }
            if (!sha || !(await bareGit(['cat-file', '-e', `${sha}^{blob}`])).ok) {
              return error(422, 'Invalid tree info', [{ resource: 'Tree', field: 'sha', code: 'invalid' }]);
            }
            const added = await bareGit(
              ['update-index', '--add', '--cacheinfo', `${e.mode},${sha},${path}`],
              { env },
            );
            if (!added.ok) return error(422, 'Invalid tree info');
          }
          const tree = await bareGit(['write-tree'], { env });
          if (!tree.ok) return error(422, 'Invalid tree info');
          const listing = (await bareGit(['ls-tree', '-l', tree.out])).out.split('\n').filter(Boolean);
          return [
            201,
            {
              sha: tree.out,
              url: apiUrl(`git/trees/${tree.out}`),
              truncated: false,
              tree: listing.map((line) => {
                const [meta, path] = line.split('\t') as [string, string];
                const [mode, type, sha, size] = meta.split(/\s+/) as [string, string, string, string];
                return {
                  path,
                  mode,
                  type,
                  sha,
                  url: apiUrl(`git/${type}s/${sha}`),
                  ...(type === 'blob' ? { size: Number(size) } : {}),
                };
              }),
            },
          ];
        } finally {
          await rm(index, { force: true });
        }
      }
      case 'git/create-commit': {
        const parents = (body.parents as string[] | undefined) ?? [];
        if (!(await isObject(body.tree, 'tree'))) return error(422, 'Tree SHA does not exist');
        for (const p of parents)
          if (!(await isObject(p, 'commit'))) return error(422, 'Parent SHA does not exist');
        const who =
          (body.author as { name: string; email: string } | undefined) ?? opts.tokenIdentity ?? ACTIONS_BOT;
        const by = (body.committer as { name: string; email: string } | undefined) ?? who;
        const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        const env = {
          GIT_AUTHOR_NAME: who.name,
          GIT_AUTHOR_EMAIL: who.email,
          GIT_AUTHOR_DATE: date,
          GIT_COMMITTER_NAME: by.name,
          GIT_COMMITTER_EMAIL: by.email,
          GIT_COMMITTER_DATE: date,
        };
        const message = String(body.message ?? '');
        const made = await bareGit(['commit-tree', String(body.tree), ...parents.flatMap((p) => ['-p', p])], {
          input: message,
          env,
        });
        if (!made.ok) return error(422, 'Could not create commit');
        const sha = made.out;
        return [
          201,
          {
            sha,
            node_id: `C_${sha.slice(0, 12)}`,
            url: apiUrl(`git/commits/${sha}`),
            html_url: `${htmlBase}/commit/${sha}`,
            author: { ...who, date },
            committer: { ...by, date },
            message,
            tree: { sha: String(body.tree), url: apiUrl(`git/trees/${body.tree}`) },
            parents: parents.map((p) => ({
              sha: p,
              url: apiUrl(`git/commits/${p}`),
              html_url: `${htmlBase}/commit/${p}`,
            })),
            // GitHub signs a commit it authors for the token; this fake reports it as such without signing.
            verification: {
              verified: !body.author,
              reason: body.author ? 'unsigned' : 'valid',
              signature: null,
              payload: null,
              verified_at: null,
            },
          },
        ];
      }
      case 'git/get-ref': {
        const ref = `refs/${params.ref!}`;
        const sha = await refSha(ref);
        return sha ? [200, refJson(ref, sha)] : error(404, 'Not Found');
      }
      case 'git/create-ref': {
        const ref = String(body.ref ?? '');
        if (!/^refs\/[^/]+\/.+/.test(ref))
          return error(422, "Reference name must start with 'refs/' and have at least two slashes.");
        if (!(await isObject(body.sha, 'commit'))) return error(422, 'Object does not exist');
        // An empty old value: the ref must not exist (atomic in git).
        const made = await bareGit(['update-ref', ref, String(body.sha), '']);
        return made.ok ? [201, refJson(ref, String(body.sha))] : error(422, 'Reference already exists');
      }
      case 'git/update-ref': {
        const ref = `refs/${params.ref!}`;
        const old = await refSha(ref);
        if (!old) return error(422, 'Reference does not exist');
        const sha = String(body.sha ?? '');
        if (!(await isObject(sha, 'commit'))) return error(422, 'Object does not exist');
        if (body.force !== true && !(await bareGit(['merge-base', '--is-ancestor', old, sha])).ok) {
          return error(422, 'Update is not a fast forward');
        }
        const moved = await bareGit(['update-ref', ref, sha, old]);
        return moved.ok ? [200, refJson(ref, sha)] : error(409, 'Reference update failed');
      }
      case 'repos/compare-commits': {
        const { base, head } = params as { base: string; head: string };
        const baseSha = await refSha(base);
        const headSha = await refSha(head);
        if (!baseSha || !headSha) return error(404, 'Not Found');
        const count = async (range: string) => Number((await bareGit(['rev-list', '--count', range])).out);
        const ahead = await count(`${baseSha}..${headSha}`);
        const behind = await count(`${headSha}..${baseSha}`);
        const status =
          ahead === 0 && behind === 0
            ? 'identical'
            : behind === 0
              ? 'ahead'
              : ahead === 0
                ? 'behind'
                : 'diverged';
        const sampled = sample(spec.operations[id]?.responses['200']?.schema) as Record<string, Json>;
        return [
          200,
          { ...sampled, status, ahead_by: ahead, behind_by: behind, total_commits: ahead, commits: [] },
        ];
      }
      case 'git/delete-ref': {
        const ref = params.ref!.replace(/^refs\//, '');
        if (opts.bareRepo) {
          try {
            await execa('git', ['update-ref', '-d', `refs/${ref}`], { cwd: opts.bareRepo });
          } catch {
            return error(422, 'Reference does not exist');
          }
        }
        return [204, null];
      }
      case 'repos/create-dispatch-event':
      case 'actions/create-workflow-dispatch':
        dispatches.push({ operationId: id, body });
        return [204, null];
      default:
        return issueApi.handle(id, params, query, body) ?? error(404, 'Not Found');
    }
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const send = (status: number, json: Json) => {
      if (status === 204 || json === null) {
        res.writeHead(status);
        res.end();
        return;
      }
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(json));
    };
    // GitHub Enterprise Server serves GraphQL at /api/graphql next to REST at /api/v3.
    const graphqlPath = `${prefix.replace(/\/v3$/, '')}/graphql`;
    if (!u.pathname.startsWith(prefix) && u.pathname !== graphqlPath) {
      return send(404, { message: 'Not Found', documentation_url: '' });
    }
    const path =
      u.pathname === graphqlPath ? '/graphql' : decodeURIComponent(u.pathname.slice(prefix.length));
    const query = Object.fromEntries(u.searchParams.entries());
    const auth = req.headers.authorization;
    let body: unknown = null;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        violations.push(`${method} ${path}: request body is not JSON`);
      }
    }

    if (method === 'POST' && path === '/graphql') {
      const q = (body as { query?: string; variables?: Record<string, unknown> }) ?? {};
      const record: ApiRequestRecord = {
        operationId: 'graphql',
        method,
        path,
        query,
        body,
        status: 200,
        response: null,
      };
      if (auth) record.authorization = auth;
      requests.push(record);
      const m = /(enable|disable)PullRequestAutoMerge/.exec(q.query ?? '');
      const id = q.variables?.pullRequestId;
      if (!m || typeof id !== 'string') {
        violations.push(
          'graphql: only enablePullRequestAutoMerge / disablePullRequestAutoMerge(pullRequestId) are supported',
        );
        return send(200, { errors: [{ message: 'unsupported' }] });
      }
      const p = pulls.find((x) => x.node_id === id);
      if (!p)
        return send(200, {
          data: null,
          errors: [{ type: 'NOT_FOUND', message: 'Could not resolve to a node' }],
        });
      if (m[1] === 'disable') {
        p.autoMerge = null;
        const response = { data: { disablePullRequestAutoMerge: { pullRequest: { number: p.number } } } };
        record.response = response;
        return send(200, response);
      }
      p.autoMerge = String(q.variables?.mergeMethod ?? 'MERGE');
      const response = { data: { enablePullRequestAutoMerge: { pullRequest: { number: p.number } } } };
      record.response = response;
      return send(200, response);
    }

    const match = ROUTES.map((r) => ({ r, m: r.op.method === method ? r.re.exec(path) : null })).find(
      (x) => x.m,
    );
    if (!match?.m) {
      violations.push(`${method} ${path}: no such operation in the extract`);
      return send(404, { message: 'Not Found', documentation_url: '' });
    }
    const { id, op } = match.r;
    const params = { ...(match.m.groups ?? {}) } as Record<string, string>;
    const record: ApiRequestRecord = {
      operationId: id,
      method,
      path,
      query,
      body,
      status: 0,
      response: null,
    };
    if (auth) record.authorization = auth;
    requests.push(record);

    // Validate the request: parameters, then body.
    for (const p of op.parameters) {
      const value = p.in === 'path' ? params[p.name] : p.in === 'query' ? query[p.name] : undefined;
      if (p.in !== 'path' && p.in !== 'query') continue;
      if (value === undefined) {
        if (p.required) violations.push(`${id}: missing ${p.in} parameter ${p.name}`);
        continue;
      }
      if (p.schema) {
        const t = (p.schema as { type?: string }).type;
        const coerced =
          t === 'integer' || t === 'number' ? Number(value) : t === 'boolean' ? value === 'true' : value;
        check(`${id} ${p.in} parameter ${p.name}`, `${id}:param:${p.name}`, p.schema, coerced);
      }
    }
    for (const name of Object.keys(query)) {
      if (!op.parameters.some((p) => p.in === 'query' && p.name === name)) {
        violations.push(`${id}: unknown query parameter ${name}`);
      }
    }
    if (op.requestBody) {
      if (body === null && op.requestBody.required) violations.push(`${id}: missing request body`);
      else if (body !== null) check(`${id} request body`, `${id}:body`, op.requestBody.schema, body);
    } else if (body !== null && method !== 'GET') {
      violations.push(`${id}: unexpected request body`);
    }

    let status: number;
    let json: Json;
    if (opts.token !== undefined && auth !== `token ${opts.token}` && auth !== `Bearer ${opts.token}`) {
      [status, json] = error(401, 'Bad credentials');
    } else {
      const effects = befores.get(id);
      if (effects?.length) await effects.shift()!();
      const queued = failures.get(id);
      const f = queued?.[0];
      if (f) {
        f.times = (f.times ?? 1) - 1;
        if (f.times <= 0) queued.shift();
        await f.effect?.();
        status = f.status;
        json = f.body;
      } else {
        [status, json] = await route(id, params, query, (body ?? {}) as Record<string, unknown>);
      }
    }
    record.status = status;
    record.response = json;
    const documented = op.responses[String(status)];
    if (documented?.schema) check(`${id} response ${status}`, `${id}:${status}`, documented.schema, json);
    else if (!documented && status < 400) violations.push(`${id}: undocumented status ${status}`);
    send(status, json);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      violations.push(`server error: ${String(e)}`);
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}${prefix}`;
  const addPull: AddPull = (p) => {
    const pull: FakePull = {
      number: nextNumber++,
      node_id: `PR_node${nextNumber}`,
      state: 'open',
      body: null,
      draft: false,
      headSha: 'c'.repeat(40),
      labels: [],
      assignees: [],
      reviewers: [],
      teamReviewers: [],
      autoMerge: null,
      comments: [],
      ...p,
    };
    pulls.push(pull);
    return pull;
  };
  return {
    addPull,
    url: baseUrl,
    requests,
    violations,
    pulls,
    issues: issueApi.issues,
    addIssue: issueApi.addIssue,
    dispatches,
    before: (operationId, effect) => {
      const list = befores.get(operationId) ?? [];
      list.push(effect);
      befores.set(operationId, list);
    },
    fail: (operationId, failure) => {
      const list = failures.get(operationId) ?? [];
      list.push({ ...failure });
      failures.set(operationId, list);
    },
    writes: () => requests.filter((r) => r.method !== 'GET'),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
