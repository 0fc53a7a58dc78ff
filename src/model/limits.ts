// File-name limits that declarations must respect (pure): a stream's lock is `<lockDir>/<namespace>/<name>.json`,
// written through a temporary file `.<name>.json.<12 hex>.tmp` in the same folder, and each path component must
// fit the usual 255-byte file name limit (ext4, XFS, APFS, NTFS). Validation refuses names that would not.

/** Longest file name component on the file systems we run on, in bytes. */
export const NAME_MAX_BYTES = 255;
/** Extension of lock files. */
const LOCK_EXTENSION = '.json';
/** Bytes a temporary file name adds to its target's name: the leading "." and ".<12 hex>.tmp". */
export const TEMP_NAME_OVERHEAD_BYTES = 1 + 1 + 12 + 4;
/** Longest stream name (bytes): `.<name>.json.<12 hex>.tmp` ≤ 255, i.e. 255 − 5 − 18 = 232. */
export const MAX_STREAM_NAME_BYTES = NAME_MAX_BYTES - LOCK_EXTENSION.length - TEMP_NAME_OVERHEAD_BYTES;
/** Longest namespace (bytes): a folder name; the schema's DNS label limit (63) is stricter. */
export const MAX_NAMESPACE_BYTES = NAME_MAX_BYTES;

/** UTF-8 length of a string, without Buffer (the core imports no node: module). */
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}
