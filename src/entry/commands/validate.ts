// `imagestreams validate [PATH…]`: every schema and semantic problem at once, each at its file:line:column.

import { validateJson, validateProject } from '../../app/validate.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { PROJECT_OPTIONS, PROJECT_OPTIONS_HELP, plural, printDiagnostics } from './project.js';

const HELP = `Usage: imagestreams validate [PATH…] [options]

Check ImageStream declarations (YAML or JSON; ImageStream, ImageStreamList, List) against the schema and
the project rules: tag names, image references, the registry allowlist, ImageStreamTag targets and cycles,
ImageStreamImage names. Without PATH, BuildConfigs anywhere in the repository are checked too: an output.to
of kind ImageStreamTag must name a declared stream tag. Every problem is reported at once, as FILE:LINE:COLUMN: MESSAGE. Inside GitHub
Actions (GITHUB_ACTIONS=true) each problem is also printed as an ::error annotation on its line.

PATH may be files, folders (searched at any depth for .yaml, .yml and .json) or globs; the default is the
config's \`declarations\` (imagestreams/ when there is no config).

Options:
${PROJECT_OPTIONS_HELP}

Examples:
  imagestreams validate
  imagestreams validate imagestreams/python.yaml
  imagestreams validate --json 'imagestreams/**/*.yaml'
  imagestreams validate --config ci/imagestreams.yaml

Exit codes:
  0  every declaration is valid (warnings do not fail)
  1  at least one error was found
  2  bad usage: unknown option, a PATH or --config that does not exist
`;

/** The validate command. */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check declarations and config; print every error at its file:line:column',
  help: HELP,
  options: PROJECT_OPTIONS,
  async run(args, io) {
    const r = await validateProject(io.cwd, {
      ...(typeof args.values.config === 'string' ? { configPath: args.values.config } : {}),
      paths: args.positionals,
    });
    const { project, warnings } = r;
    const errors = r.errors;
    const code = r.status === 'usage' ? EXIT.USAGE : r.status === 'invalid' ? EXIT.FAILURE : EXIT.OK;
    if (args.values.json) {
      io.stdout(`${JSON.stringify(validateJson(r), null, 2)}\n`);
      if (io.env.GITHUB_ACTIONS === 'true') printDiagnostics(project.diagnostics, io, () => {});
      return code;
    }
    printDiagnostics(project.diagnostics, io);
    const head = `${plural(project.files.length, 'file')}, ${plural(project.tags, 'tag')}`;
    const warn = warnings > 0 ? ` (${plural(warnings, 'warning')})` : '';
    io.stdout(errors === 0 ? `${head}: valid${warn}\n` : `${head}: ${plural(errors, 'error')}${warn}\n`);
    return code;
  },
};
