/**
 * The host scripts of the remediation documents that act over Run Command (compose and plain
 * containers). Each travels as the `commands` of `AWS-RunShellScript`: the document's parameters
 * as quoted shell assignments first, then common.sh, then the action's script, read from this
 * directory at synth (this module runs in Node during `cdk synth`, never in a Lambda bundle).
 * Comment-only lines are dropped on the way: the `.sh` files are the documentation, the host gets
 * the code.
 */
import { readFileSync } from 'node:fs';

/** The actions whose work is a shell script on the host. */
export const HOST_SCRIPTS = [
  'compose-restart',
  'compose-rollback',
  'container-restart',
  'container-rollback',
] as const;
export type HostScriptName = (typeof HOST_SCRIPTS)[number];

function readScript(file: string): string {
  return readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
}

/** A script's lines without the `#!` line, comment-only lines and blank lines. */
function codeLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '' && !/^\s*#/.test(line));
}

/** common.sh then `<name>.sh`, as code lines: what runs on the host after the assignments. */
export function hostScriptLines(name: HostScriptName): string[] {
  return [...codeLines(readScript('common.sh')), ...codeLines(readScript(`${name}.sh`))];
}

/** Quotes a word for sh: `it's` → `'it'\''s'`. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The `commands` of the document's runCommand step: `VAR='{{ Param }}'` for each entry of
 * `variables` (shell variable → document parameter), then the script. The quotes are safe because
 * every parameter that reaches them has an `allowedPattern` without quotes.
 */
export function hostScriptCommands(
  name: HostScriptName,
  variables: Readonly<Record<string, string>>,
): string[] {
  const assignments = Object.entries(variables).map(([variable, param]) => `${variable}='{{ ${param} }}'`);
  return [...assignments, ...hostScriptLines(name)];
}

/**
 * The whole script with literal values instead of document parameters (each value shell-quoted):
 * what a host runs once SSM has filled the parameters in. For tests and for running a remediation
 * by hand (`sh -c "$(...)"`).
 */
export function hostScript(name: HostScriptName, values: Readonly<Record<string, string>>): string {
  const assignments = Object.entries(values).map(([variable, value]) => `${variable}=${shellQuote(value)}`);
  return `${[...assignments, ...hostScriptLines(name)].join('\n')}\n`;
}
