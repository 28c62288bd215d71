/** `vigil validate`: load and validate the config; print every problem with its path and fix. */
import { loadConfig as defaultLoadConfig } from '../config/index.ts';
import { type CliDeps, type CliIo, createStyle, ExitCode, loadOrReport, shouldColor } from './terminal.ts';

/** `vigil validate`: 0 when the config is valid, 2 with every problem listed otherwise. */
export async function validateCommand(file: string, io: CliIo, deps: CliDeps = {}): Promise<number> {
  const config = await loadOrReport(file, io, deps.loadConfig ?? defaultLoadConfig);
  if (!config) return ExitCode.usage;
  const style = createStyle(shouldColor(io.stdout, io.env));
  const n = config.monitors.length;
  const disabled = config.monitors.filter((m) => !m.enabled).length;
  io.stdout.write(
    `${style.green('✓')} ${file}: ${n} monitor${n === 1 ? '' : 's'} valid (project "${config.project}"${disabled > 0 ? `, ${disabled} disabled` : ''})\n`,
  );
  return ExitCode.ok;
}
