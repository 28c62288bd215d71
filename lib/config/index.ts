export { defineConfig } from './define.ts';
export { DEFAULT_CONFIG_FILE, loadConfig, readConfigFile } from './load.ts';
export * from './resolve.ts';
export * from './schema.ts';
