// Content digests (`algorithm:encoded`), judged as opencontainers/go-digest judges them (no I/O).

/** Registered algorithms and the length of their lower-case hex encoding (go-digest's default set). */
export const DIGEST_ALGORITHMS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** go-digest's grammar of a digest, whatever its algorithm. */
const DIGEST_GRAMMAR_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const LOWER_HEX_RE = /^[0-9a-f]+$/;

/** Why a digest is refused, as go-digest's errors name it. */
export type DigestProblem = 'format' | 'unsupported' | 'length';

/** A parsed digest. */
export interface Digest {
  algorithm: string;
  encoded: string;
}

/** Check a digest: `{digest}` when valid, else the problem and a message saying how to write it. */
export function checkDigest(input: string): { digest: Digest } | { problem: DigestProblem; message: string } {
  const colon = input.indexOf(':');
  const algorithm = colon < 0 ? input : input.slice(0, colon);
  const encoded = colon < 0 ? '' : input.slice(colon + 1);
  const size = Object.hasOwn(DIGEST_ALGORITHMS, algorithm) ? DIGEST_ALGORITHMS[algorithm] : undefined;
  if (colon < 0 || encoded === '') {
    return { problem: 'format', message: `digest "${input}" is not algorithm:hex (e.g. sha256:<64 hex>)` };
  }
  if (size === undefined) {
    if (!DIGEST_GRAMMAR_RE.test(input)) {
      return { problem: 'format', message: `digest "${input}" is not algorithm:hex (e.g. sha256:<64 hex>)` };
    }
    return {
      problem: 'unsupported',
      message: `digest algorithm "${algorithm}" is not supported (use ${Object.keys(DIGEST_ALGORITHMS).join(', ')})`,
    };
  }
  if (encoded.length !== size) {
    return {
      problem: 'length',
      message: `a ${algorithm} digest has exactly ${size} hex characters, not ${encoded.length}`,
    };
  }
  if (!LOWER_HEX_RE.test(encoded)) {
    return {
      problem: 'format',
      message: `a ${algorithm} digest is lower-case hex${/[A-F]/.test(encoded) && /^[0-9a-fA-F]+$/.test(encoded) ? ` (write "${algorithm}:${encoded.toLowerCase()}")` : ''}`,
    };
  }
  return { digest: { algorithm, encoded } };
}
