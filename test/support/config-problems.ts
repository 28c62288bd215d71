/**
 * The issues a config produces, as "path: message" lines, for the config-error tests; fails the test
 * when the config is accepted.
 */
import { expect } from 'vitest';
import { ConfigError, parseConfig } from '../../lib/config/index.ts';

export function problems(input: unknown): string[] {
  try {
    parseConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected the config to be rejected');
}
