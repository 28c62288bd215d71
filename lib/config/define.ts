import type { VigilConfigInput } from './schema.ts';

/**
 * Types a Vigil config for the editor. Validation happens when the config is loaded
 * ({@link parseConfig}), so a mistake is reported with its path whichever way the file is used.
 */
export function defineConfig(config: VigilConfigInput): VigilConfigInput {
  return config;
}
