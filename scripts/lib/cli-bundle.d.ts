// Types for cli-bundle.js (plain ESM so scripts run it without a build).
import type { Message, Metafile } from 'esbuild';

export const ROOT: string;
export const CLI_OUTDIR: string;
/** The commands of src/entry/commands/index.ts (each is bundled as build/cli/commands/<name>.js). */
export function commandModules(): string[];
/** Build the CLI bundle into `outdir` (emptied first); with `metafile`, one metafile for every build. */
export function buildCli(
  outdir?: string,
  opts?: { metafile?: boolean },
): Promise<{ errors: Message[]; warnings: Message[]; metafile?: Metafile }>;
