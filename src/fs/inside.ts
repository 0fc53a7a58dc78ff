// Repository content must not reach outside the repository: every path a config or a run names is checked
// against the repository's real path (symlinks resolved) before it is read, written or removed, and files are
// read only when they are regular files, with a cap on the bytes actually read (stat sizes are 0 for devices).

import { constants } from 'node:fs';
import { lstat, open, realpath, rm } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { ImagestreamsError } from '../model/errors.js';
import { writeFileAtomic } from './atomic.js';

/** True when `rel` (a repository-relative path as written) stays inside the repository by its text alone. */
export function staysInside(rel: string): boolean {
  if (rel === '' || isAbsolute(rel) || /^[A-Za-z]:[\\/]/.test(rel)) return false;
  const n = normalize(rel).split(sep).join('/');
  return n !== '..' && !n.startsWith('../');
}

function within(root: string, abs: string): boolean {
  const r = relative(root, abs);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
}

async function realOrSelf(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    return p;
  }
}

/** Why a path leaves the repository (undefined: it does not). */
export type Escape =
  | { kind: 'outside'; path: string }
  | { kind: 'symlink-outside'; path: string; component: string }
  | { kind: 'symlink-file'; path: string };

/**
 * What `lstat` found at folders a run checks again and again (every lock goes through `<lockDir>/<namespace>`):
 * one `DirChecks` per load shares them. Only folders on the way are kept, never the last part of a path.
 */
export type DirChecks = Map<string, Promise<Awaited<ReturnType<typeof lstat>> | undefined>>;

/** A fresh, empty DirChecks: make one per load (a folder may change between runs). */
export function dirChecks(): DirChecks {
  return new Map();
}

function lstatOrUndefined(path: string): Promise<Awaited<ReturnType<typeof lstat>> | undefined> {
  return lstat(path).catch(() => undefined);
}

/**
 * Checks `rel` against the repository at `root`: its text stays inside, every existing directory component
 * resolves (by real path) inside the repository, and with `file`, the last component is not a symlink. Parts
 * that do not exist yet are fine (they will be created inside). With `dirs`, folders on the way already checked
 * by this load are not asked for again.
 */
export async function escapeOf(
  root: string,
  rel: string,
  opts: { file?: boolean; dirs?: DirChecks } = {},
): Promise<Escape | undefined> {
  if (!staysInside(rel)) return { kind: 'outside', path: rel };
  let realRoot: string | undefined; // resolved only when a symlink is met: most paths have none
  const parts = normalize(rel)
    .split(sep)
    .filter((p) => p !== '' && p !== '.');
  let cur = root;
  for (let i = 0; i < parts.length; i++) {
    cur = join(cur, parts[i]!);
    const last = i === parts.length - 1;
    let st: Awaited<ReturnType<typeof lstat>> | undefined;
    if (opts.dirs && !last) {
      let pending = opts.dirs.get(cur);
      if (!pending) {
        pending = lstatOrUndefined(cur);
        opts.dirs.set(cur, pending);
      }
      st = await pending;
    } else st = await lstatOrUndefined(cur);
    if (!st) return undefined; // the rest does not exist yet
    if (!st.isSymbolicLink()) continue;
    const component = parts.slice(0, i + 1).join('/');
    if (opts.file && last) return { kind: 'symlink-file', path: rel };
    realRoot ??= await realOrSelf(root);
    if (!within(realRoot, await realOrSelf(cur))) return { kind: 'symlink-outside', path: rel, component };
  }
  return undefined;
}

/** The message for an escape: what, and how to fix it. */
export function escapeMessage(e: Escape, what: string): string {
  if (e.kind === 'outside')
    return `${what} "${e.path}" is outside the repository: give a path relative to the repository root, without "..", e.g. "imagestreams.lock"`;
  if (e.kind === 'symlink-outside')
    return `${what} "${e.path}" goes through "${e.component}", a symbolic link to outside the repository: replace the link by a folder inside the repository`;
  return `${what} "${e.path}" is a symbolic link: it must be a regular file inside the repository; replace the link by the file`;
}

function escapeError(e: Escape, what: string): ImagestreamsError {
  return new ImagestreamsError('PATH_OUTSIDE_REPOSITORY', escapeMessage(e, what), {
    data: { path: e.path, kind: e.kind },
    permanent: true,
  });
}

/** Atomic write of a repository-relative file, refused (PATH_OUTSIDE_REPOSITORY) when it would land outside. */
export async function writeInside(root: string, rel: string, text: string): Promise<void> {
  const e = await escapeOf(root, rel, { file: true });
  if (e) throw escapeError(e, 'file');
  await writeFileAtomic(join(root, rel), text);
}

/** Removes a repository-relative file, refused when it is (or goes through) a link to outside. */
export async function removeInside(root: string, rel: string): Promise<void> {
  const e = await escapeOf(root, rel, { file: true });
  if (e && e.kind !== 'symlink-file') throw escapeError(e, 'file');
  await rm(join(root, rel), { force: true });
}

/** What readRegular found. */
export type RegularRead =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: 'too-large'; limit: number }
  | { ok: false; reason: 'not-regular'; type: string };

function typeOf(st: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a file only when it is a regular file, and at most `limit` bytes of it (counted as read, not taken from
 * stat). Opened non-blocking, so a named pipe without a writer cannot hang the read.
 */
export async function readRegular(path: string, limit: number): Promise<RegularRead> {
  const fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { ok: false, reason: 'not-regular', type: typeOf(st) };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(64 * 1024, limit + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) return { ok: false, reason: 'too-large', limit };
      chunks.push(buf.subarray(0, bytesRead));
    }
    return { ok: true, bytes: Buffer.concat(chunks, total) };
  } finally {
    await fh.close();
  }
}
