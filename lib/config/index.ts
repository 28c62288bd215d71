export { defineConfig } from './define.ts';
export {
  type CanaryEvent,
  type CanaryRequest,
  canaryEventSchema,
  canaryRequestSchema,
  type GroupEvent,
  groupEventSchema,
  parseCanaryEvent,
  parseCanaryRequest,
  toCanaryEvent,
  toGroupEvent,
  toMonitorInput,
} from './events.ts';
export { DEFAULT_CONFIG_FILE, loadConfig, readConfigFile } from './load.ts';
export * from './resolve.ts';
export * from './schema.ts';
