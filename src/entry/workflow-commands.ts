// GitHub Actions workflow commands: the one place that writes them (escaped as the Actions toolkit does) and the
// one place that keeps text from outside (registry answers, file contents) from starting one on a log line.
// Used by the Action bundle and by the CLI when it runs inside Actions.

/**
 * Break `::command::` at the start of any line and the legacy `##[command]` anywhere, with a zero-width space:
 * the runner then shows the text instead of obeying it. Removing the zero-width spaces gives the text back.
 */
export function neutralizeCommands(text: string): string {
  // \u0085 (NEL) is whitespace to the runner's Trim() but not to \s.
  return text.replace(/^([\s\u0085]*):(?=:)/gm, '$1:\u200b').replace(/#(?=#\[)/g, '#\u200b');
}

/** Escape a workflow command's message (`%`, CR, LF), as @actions/core does. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escape a workflow command's property value (also `:` and `,`), as @actions/core does. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One workflow command line, every part escaped: `::name k=v,…::message`. */
export function workflowCommand(
  name: 'error' | 'warning' | 'notice',
  props: Record<string, string | number | undefined>,
  message: string,
): string {
  const p = Object.entries(props)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${name}${p ? ` ${p}` : ''}::${escapeData(message)}\n`;
}

/** Wrap a writer so that, inside Actions, no line of the text written can start a workflow command. */
export function guardOutput(write: (text: string) => void, inActions: boolean): (text: string) => void {
  return inActions ? (text) => write(neutralizeCommands(text)) : write;
}
