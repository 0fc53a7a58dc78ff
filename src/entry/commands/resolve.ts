// `imagestreams resolve REF…`: resolve references to digests, media types and platforms. The digest printed is the
// one a user would pin, as `crane digest` prints it: the index of a multi-arch image; `--platform` picks a child.

import { hintFor } from '../../model/error-codes.js';
import { ImagestreamsError } from '../../model/errors.js';
import { formatFamiliar, type ImageRef, tryParseReference } from '../../model/reference.js';
import { createRegistryClient } from '../../registry/client.js';
import { registryOptionsFromConfig } from '../../registry/from-config.js';
import { formatPlatform, type PlatformSpec, parsePlatform } from '../../registry/platform.js';
import { createRunResolver } from '../../registry/run-resolver.js';
import type { ImportMode, ResolvedImage } from '../../registry/types.js';
import { type Command, usageError } from '../command.js';
import { EXIT } from '../io.js';

const HELP = `Usage: imagestreams resolve REF… [options]

Resolve image references to the digest you would pin, as \`crane digest\` does: for a multi-arch image
the index digest (with every platform's digest listed), for a single image its manifest digest. One HEAD
per tag with all manifest types; a GET only when the registry gives no usable digest or the tag is
multi-arch (to learn its platforms).
Credentials come from docker/podman auth files (DOCKER_CONFIG, REGISTRY_AUTH_FILE, credential helpers)
and GITHUB_TOKEN for ghcr.io. Loopback registries (localhost, 127.0.0.1) are spoken to over plain HTTP.

Options:
  --platform OS/ARCH[/VARIANT]     print this platform's manifest digest instead of the index
                                   (what a Legacy import with prefer-arch/prefer-os locks)
  --import-mode Legacy|PreserveOriginal
                                   what an import in this mode locks: Legacy one platform (linux/amd64
                                   unless --platform), PreserveOriginal (default) the index
  --insecure                       allow HTTPS without certificate checks, then plain HTTP, for these registries
  --metadata                       also read creation time and OCI labels from the image config
  --json                           print JSON
  -h, --help                       this help

Examples:
  imagestreams resolve quay.io/org/app:1.2
  imagestreams resolve --json python:3.12 ghcr.io/org/tool:v1
  imagestreams resolve --platform linux/arm64 localhost:5000/team/app:latest
  imagestreams resolve --import-mode Legacy python:3.12

Exit codes:
  0  every reference resolved
  1  at least one reference failed (not found, unauthorized, registry unavailable, …)
  2  bad usage: no REF, an invalid reference, platform or import mode
`;

function render(r: ResolvedImage): string {
  const lines = [`${formatFamiliar(r.ref)}`, `  digest      ${r.digest}`, `  mediaType   ${r.mediaType}`];
  if (r.index) lines.push(`  index       ${r.index}  (${r.indexMediaType})`);
  if (r.chosen) lines.push(`  chosen      ${formatPlatform(r.chosen)}`);
  if (r.platforms) {
    lines.push('  platforms');
    const w = Math.max(...r.platforms.map((p) => formatPlatform(p).length));
    for (const p of r.platforms) lines.push(`    ${formatPlatform(p).padEnd(w)}  ${p.digest}`);
  }
  if (r.metadata) {
    if (r.metadata.created) lines.push(`  created     ${r.metadata.created}`);
    for (const k of ['source', 'revision', 'version'] as const) {
      if (r.metadata[k]) lines.push(`  ${k.padEnd(10)}  ${r.metadata[k]}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function toJson(r: ResolvedImage) {
  return {
    reference: formatFamiliar(r.ref),
    digest: r.digest,
    mediaType: r.mediaType,
    ...(r.index ? { index: r.index, indexMediaType: r.indexMediaType } : {}),
    ...(r.chosen ? { chosen: formatPlatform(r.chosen) } : {}),
    ...(r.platforms ? { platforms: r.platforms } : {}),
    ...(r.metadata ? { metadata: r.metadata } : {}),
  };
}

/** The resolve command. */
export const resolveCommand: Command = {
  name: 'resolve',
  summary: 'Resolve image references to digests, media types and platforms',
  help: HELP,
  options: {
    platform: { type: 'string' },
    'import-mode': { type: 'string' },
    insecure: { type: 'boolean' },
    metadata: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const usage = (msg: string) => {
      return usageError(io, 'resolve', msg);
    };
    if (args.positionals.length === 0) return usage('no image reference given');
    const refs: ImageRef[] = [];
    for (const input of args.positionals) {
      const p = tryParseReference(input);
      if ('error' in p) return usage(p.error.message);
      refs.push(p.ref);
    }
    const modeArg = args.values['import-mode'];
    if (modeArg !== undefined && modeArg !== 'Legacy' && modeArg !== 'PreserveOriginal') {
      return usage(`--import-mode must be Legacy or PreserveOriginal, not ${JSON.stringify(modeArg)}`);
    }
    // Like crane digest: the index unless a platform (or Legacy, an import's choice of one) is asked for.
    const importMode = (modeArg ??
      (args.values.platform !== undefined ? 'Legacy' : 'PreserveOriginal')) as ImportMode;
    let platform: PlatformSpec | undefined;
    if (typeof args.values.platform === 'string') {
      platform = parsePlatform(args.values.platform);
      if (!platform)
        return usage(
          `invalid --platform ${JSON.stringify(args.values.platform)} (e.g. linux/arm64 or linux/arm/v7)`,
        );
      if (importMode === 'PreserveOriginal') return usage('--platform applies to Legacy import mode only');
    }
    const insecureDomains = args.values.insecure ? [...new Set(refs.map((r) => r.domain))] : [];
    const client = createRegistryClient({
      logger: io.logger,
      ...registryOptionsFromConfig({ insecureRegistries: insecureDomains }, io.env, io.logger),
    });
    const run = createRunResolver(client);
    const results = await Promise.all(
      refs.map((ref) =>
        run
          .resolve(ref, {
            importMode,
            ...(platform ? { platform } : {}),
            ...(args.values.metadata ? { withMetadata: true } : {}),
          })
          .then(
            (r) => ({ ok: true as const, ref, r }),
            (e: unknown) => ({ ok: false as const, ref, e }),
          ),
      ),
    );
    client.close();
    const errorOf = (e: unknown) =>
      e instanceof ImagestreamsError
        ? { code: e.code, message: client.redact(e.message), permanent: e.permanent, hint: e.hint }
        : { code: 'INTERNAL', message: client.redact(String(e)), permanent: true, hint: hintFor('INTERNAL') };
    if (args.values.json) {
      const out = results.map((x) =>
        x.ok ? toJson(x.r) : { reference: formatFamiliar(x.ref), error: errorOf(x.e) },
      );
      io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      for (const x of results) {
        if (x.ok) io.stdout(render(x.r));
        else io.stderr(`imagestreams resolve: ${errorOf(x.e).message}\n`);
      }
      const rep = run.report();
      if (rep.skipped.length > 0) {
        io.stderr(`imagestreams resolve: skipped after 429: ${rep.skipped.join(', ')}\n`);
      }
    }
    return results.every((x) => x.ok) ? EXIT.OK : EXIT.FAILURE;
  },
};
