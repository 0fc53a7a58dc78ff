// The docker credential helper protocol: `docker-credential-<name> get`, server URL on stdin, JSON on stdout.

import { ImagestreamsError } from '../../model/errors.js';
import type { Credential } from './keychain.js';

/** Runs a helper; resolves undefined when it has no credentials for the server. */
export type CredentialHelperRunner = (helper: string, serverUrl: string) => Promise<Credential | undefined>;

/** Run `docker-credential-<helper> get` with the given env (PATH decides which binary). */
export async function runCredentialHelper(
  helper: string,
  serverUrl: string,
  env: Record<string, string | undefined>,
): Promise<Credential | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(helper)) {
    throw new ImagestreamsError('BAD_CONFIG', `invalid credential helper name ${JSON.stringify(helper)}`, {
      data: { helper },
    });
  }
  const bin = `docker-credential-${helper}`;
  // Loaded here, not at start-up: few runs use a credential helper and execa is a quarter of a megabyte.
  const { execa } = await import('execa');
  const res = await execa(bin, ['get'], {
    input: serverUrl,
    env,
    extendEnv: false,
    reject: false,
    timeout: 20_000,
    stripFinalNewline: true,
  });
  if (res.exitCode !== 0 || res.failed) {
    const out = `${res.stdout ?? ''} ${res.stderr ?? ''}`;
    if (/credentials not found/i.test(out)) return undefined;
    const missing = (res as { code?: string }).code === 'ENOENT';
    throw new ImagestreamsError(
      'CREDENTIAL_HELPER_FAILED',
      missing
        ? `credential helper ${bin} is not on PATH (named in docker config for ${serverUrl})`
        : `credential helper ${bin} failed for ${serverUrl} (exit ${res.exitCode ?? 'none'})`,
      { data: { helper, serverUrl, exitCode: res.exitCode }, permanent: true },
    );
  }
  let parsed: { Username?: string; Secret?: string };
  try {
    parsed = JSON.parse(String(res.stdout)) as { Username?: string; Secret?: string };
  } catch {
    throw new ImagestreamsError('CREDENTIAL_HELPER_FAILED', `credential helper ${bin} printed no JSON`, {
      data: { helper, serverUrl },
    });
  }
  if (!parsed.Secret) return undefined;
  if (parsed.Username === '<token>') return { kind: 'identityToken', token: parsed.Secret };
  return { kind: 'basic', username: parsed.Username ?? '', password: parsed.Secret };
}
