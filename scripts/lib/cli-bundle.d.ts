// Types for cli-bundle.js (plain ESM so scripts run it without a build).
import type { BuildResult } from 'esbuild';

export const ROOT: string;
export const CLI_OUTDIR: string;
/** Build the CLI bundle into `outdir` (emptied first); with `metafile`, the result carries esbuild's metafile. */
export function buildCli(
  outdir?: string,
  opts?: { metafile?: boolean },
): Promise<BuildResult<{ metafile: true }>>;
