/**
 * Loads `vigil.config.ts` (or .mjs/.js/.json) and returns the validated, resolved config.
 * TypeScript configs are loaded through tsx, so neither synth nor the CLI needs a build step.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { ConfigError, parseConfig, type VigilConfig } from './resolve.ts';

export const DEFAULT_CONFIG_FILE = 'vigil.config.ts';

/** Reads the config file's default export without validating it. */
export async function readConfigFile(file: string): Promise<unknown> {
  const path = resolve(file);
  if (!existsSync(path)) {
    throw new ConfigError(
      [
        {
          path: '',
          message: `no config file at ${path}; create ${DEFAULT_CONFIG_FILE} with defineConfig({...}) or pass --config FILE`,
        },
      ],
      file,
    );
  }
  if (path.endsWith('.json')) return JSON.parse(await readFile(path, 'utf8'));
  let mod: { default?: unknown };
  try {
    mod =
      path.endsWith('.ts') || path.endsWith('.mts')
        ? await tsImport(pathToFileURL(path).href, import.meta.url)
        : await import(pathToFileURL(path).href);
  } catch (error) {
    throw new ConfigError([{ path: '', message: `could not load: ${(error as Error).message}` }], file, {
      cause: error,
    });
  }
  // A file Node treats as CommonJS comes back as { default: module.exports, ...named }: unwrap it,
  // and tell "no default export" apart from module.exports holding only the named exports.
  let value: unknown = mod.default;
  const named = Object.keys(mod).filter((k) => k !== 'default' && k !== 'module.exports');
  if (value && typeof value === 'object' && 'default' in value) {
    value = (value as { default: unknown }).default;
  } else if (value && typeof value === 'object') {
    const exported = value;
    if (named.length > 0 && named.every((k) => k in exported)) value = undefined;
  }
  if (value === undefined) {
    throw new ConfigError(
      [
        {
          path: '',
          message: 'has no default export; end the file with `export default defineConfig({...})`',
        },
      ],
      file,
    );
  }
  return value;
}

/** Loads, validates and resolves a config file. Throws {@link ConfigError} on any problem. */
export async function loadConfig(file: string = DEFAULT_CONFIG_FILE): Promise<VigilConfig> {
  return parseConfig(await readConfigFile(file), file);
}
