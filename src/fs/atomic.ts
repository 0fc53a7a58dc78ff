// Atomic file writes: a killed process leaves either the old bytes or the new ones, never half a file.

import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { NAME_MAX_BYTES, TEMP_NAME_OVERHEAD_BYTES } from '../model/limits.js';

/** A temporary name next to `name` that fits the file name limit however long `name` is. */
export function tempName(name: string, random: string): string {
  let stem = Buffer.from(name);
  const room = NAME_MAX_BYTES - TEMP_NAME_OVERHEAD_BYTES;
  if (stem.length > room) {
    stem = stem.subarray(0, room);
    // Do not cut a UTF-8 sequence in half.
    while (stem.length > 0 && (stem[stem.length - 1]! & 0xc0) === 0x80)
      stem = stem.subarray(0, stem.length - 1);
    if (stem.length > 0 && stem[stem.length - 1]! >= 0xc0) stem = stem.subarray(0, stem.length - 1);
  }
  return `.${stem.toString('utf8')}.${random}.tmp`;
}

/** Write `text` to `path` through a temp file in the same directory, fsync'd, then renamed over the target. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), tempName(basename(path), randomBytes(6).toString('hex')));
  const fh = await open(tmp, 'w', 0o644);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
