// A repository as GitHub would host it in tests: a bare repo on the real git http-backend, its OpenAPI-validated
// fake API, and checkouts made the way actions/checkout makes them.

import * as fs from 'node:fs';
import { join } from 'node:path';
import igit from 'isomorphic-git';
import { actionsCheckout, createBareRepo, type GitServer } from './git-server.js';
import { type GitHubApi, startGitHubApi } from './github-api.js';

/** What hostedRepo returns. */
export interface HostedRepo {
  name: string;
  bare: string;
  url: string;
  api: GitHubApi;
  /** A fresh actions/checkout-style checkout of main under `work` (`suffix` tells several apart). */
  checkout(suffix?: string): Promise<string>;
}

/** Create `acme/<name>` with `files` on `server` and start its API (the caller closes `api`). */
export async function hostedRepo(
  server: GitServer,
  work: string,
  name: string,
  files: Record<string, string>,
  token: string,
): Promise<HostedRepo> {
  const bare = await createBareRepo(server.root, name, files);
  const url = `${server.url}/${name}.git`;
  const api = await startGitHubApi({ owner: 'acme', repo: name, token, bareRepo: bare });
  const checkout = async (suffix = '') => {
    const dir = join(work, `${name}${suffix}`);
    await actionsCheckout(url, dir, { token });
    return dir;
  };
  return { name, bare, url, api, checkout };
}

/** The text of `path` on `ref` of a bare repository, read in-process; undefined when the ref or the file is absent. */
export async function fileAt(bare: string, ref: string, path: string): Promise<string | undefined> {
  try {
    const oid = await igit.resolveRef({ fs, gitdir: bare, ref });
    const { blob } = await igit.readBlob({ fs, gitdir: bare, oid, filepath: path });
    return Buffer.from(blob).toString('utf8');
  } catch {
    return undefined;
  }
}
